"""Google Trends: the request plan, the pytrends protocol, and the anchor-stitching maths the plan
and the derivation share."""
