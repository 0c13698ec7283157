"""News headlines: RSS/Atom feeds, GDELT, entry parsing and cross-feed de-duplication."""
