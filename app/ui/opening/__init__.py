"""Ways in: the file picker, drop, paste and URL box, the loader, and shared views restored."""
