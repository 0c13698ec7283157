"""Rankings and alerts for people: what is discussed most and what moved unusually.

``mentions.py`` ranks themes and tickers by mentions (pure: a frame of items in, a frame out),
``words.py`` says the rankings in words (titles, how much of each window was watched, n/a),
``alerts.py`` flags moves of more than k standard deviations (pure: daily series in),
``load.py`` reads what they need from the store (where the windows end, what was watched) and
the panels, ``webhook.py`` posts alerts.
"""
