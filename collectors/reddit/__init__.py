"""Reddit: the praw API with credentials, public feeds without, one item mapping for both."""
