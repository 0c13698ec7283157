"""Rankings and alerts for people: what is discussed most and what moved unusually.

``mentions.py`` ranks themes and tickers by mentions (pure: a frame of items in, a frame out),
``alerts.py`` flags moves of more than k standard deviations (pure: daily series in),
``load.py`` reads what they need from the store and the panels, ``webhook.py`` posts alerts.
"""
