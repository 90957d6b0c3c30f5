"""The page's frame: DOM helpers, messages, progress, privacy, consent, the address, window.loupe, the Python worker."""
