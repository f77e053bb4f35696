"""LIST then WATCH, as client-go's reflector does, decoding only the fields a row reads.
"""
