"""Palette (快捷话术板): approved customer-service phrases, two keystrokes away."""

__version__ = "0.1.0"
