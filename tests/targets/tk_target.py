"""A Tk paste target for the end-to-end tests: a text box that reports what arrived.

usage: tk_target.py OUT_FILE KEYLOG_FILE
Writes the whole text to OUT_FILE on every change, and one line per key press to KEYLOG_FILE
(keysym and modifier state), so a test can see both the paste and any key that leaked through.
Runs on Debian's python3 (python3-tk), not the project's venv.
"""

import sys
import tkinter as tk

out_path, keylog_path = sys.argv[1], sys.argv[2]
root = tk.Tk(className="TkTarget")
root.title("tk-target")
root.geometry("600x300+40+40")
text = tk.Text(root, font=("Noto Sans CJK SC", 14))
text.pack(fill="both", expand=True)
keylog = open(keylog_path, "a", buffering=1, encoding="utf-8")  # noqa: SIM115


def changed(_event: object) -> None:
    if text.edit_modified():
        with open(out_path, "w", encoding="utf-8") as f:
            f.write(text.get("1.0", "end-1c"))
        text.edit_modified(False)


def key(event: tk.Event) -> None:
    keylog.write(f"{event.keysym} {event.state}\n")


text.bind("<<Modified>>", changed)
root.bind_all("<Key>", key, add="+")
text.focus_set()
root.after(100, lambda: open(out_path + ".ready", "w").close())
root.mainloop()
