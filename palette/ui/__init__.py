"""Qt widgets: thin views that call the core and the platform layer, never SQL."""
