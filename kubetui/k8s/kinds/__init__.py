"""Every kind the server serves: the catalog of kubectl's names for them (from discovery) and
their rows as the server prints them (the Table form of LIST and WATCH).
"""
