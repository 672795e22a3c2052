"""OS integration behind small interfaces (hotkey, focus, clipboard, key injection), one module per OS."""
