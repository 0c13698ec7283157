"""Wikipedia page views per article (Wikimedia REST API): an attention series that answers."""
