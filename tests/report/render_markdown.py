"""Renders a Markdown file to HTML on stdout as CommonMark with GitHub's tables and strikethrough,
raw HTML passed through (as GitHub renders it), for the escaping tests. Exit status 3 when
markdown-it-py is not installed (the test then skips).

Usage: python3 tests/report/render_markdown.py FILE
"""

import pathlib
import sys

try:
    from markdown_it import MarkdownIt
except ImportError:
    print("markdown-it-py is not installed", file=sys.stderr)
    sys.exit(3)

renderer = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
sys.stdout.write(renderer.render(pathlib.Path(sys.argv[1]).read_text(encoding="utf-8")))
