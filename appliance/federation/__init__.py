"""Federation results: the DTV's ESV documents (esv.py) and the WDSF API payload (wdsf.py)."""
