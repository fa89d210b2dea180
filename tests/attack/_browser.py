"""The browser side of the attack tests: what a page could run, and what the browser
reported while it was open (dialogs, Content-Security-Policy violations).

A page is read as the browser built it, after parsing and after htmx swapped its
fragments in: a payload that escaped its text shows as an element or attribute the
templates never write, whether or not the policy then kept it from running.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from playwright.sync_api import ConsoleMessage, Dialog, Page

__all__ = ["APP_SCRIPTS", "ELEMENTS", "Watch", "dom_problems", "settle"]

#: What a page may contain: the templates' elements and the SVG pictures' (the
#: dependency graph, the sparklines). A payload that became markup adds another. htmx
#: adds one of its own, allowed apart: a <style> in the head that hides its request
#: indicators until a request runs (recognised by its first rule).
ELEMENTS = {
    "html", "head", "meta", "title", "link", "script", "body", "a", "header", "nav", "form",
    "label", "select", "option", "noscript", "button", "main", "footer", "p", "h1", "h2",
    "h3", "span", "div", "section", "dl", "dt", "dd", "ul", "li", "small", "strong", "br",
    "table", "thead", "tbody", "tr", "th", "td", "input", "details", "summary", "code",
    "svg", "defs", "marker", "path", "rect", "text", "g", "polyline", "desc", "line",
}  # fmt: skip
#: The app's own scripts; a full page loads both, a fragment neither.
APP_SCRIPTS = ["/static/htmx.min.js", "/static/app.js"]

#: What every element of the page is: its tag, the names of its ``on*`` attributes,
#: its attributes that hold a ``javascript:`` address, and a script's source.
_DOM_JS = """
() => Array.from(document.querySelectorAll('*')).map((el) => {
  const attrs = Array.from(el.attributes);
  return {
    tag: el.localName,
    handlers: attrs.map((a) => a.name).filter((n) => n.toLowerCase().startsWith('on')),
    scriptish: attrs
      .filter((a) => /^[\\s\\x00-\\x1f]*javascript:/i.test(a.value.replace(/[\\t\\n\\r]/g, '')))
      .map((a) => a.name + '=' + a.value),
    src: el.localName === 'script' ? el.getAttribute('src') : null,
    htmxStyle: el.localName === 'style' && el.parentElement === document.head
      && el.textContent.startsWith('.htmx-indicator'),
  };
})
"""


@dataclass
class Watch:
    """What the browser reported while the pages were open."""

    dialogs: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)

    def attach(self, page: Page) -> None:
        page.on("dialog", self._dialog)
        page.on("console", self._console)

    def _dialog(self, dialog: Dialog) -> None:
        where = dialog.page.url if dialog.page else "?"
        self.dialogs.append(f"{dialog.type} {dialog.message!r} on {where}")
        dialog.dismiss()

    def _console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            self.violations.append(message.text)


def dom_problems(page: Page, where: str, *, fragment: bool = False) -> list[str]:
    """What on the page now open could run script: an element no template writes, an
    ``on*`` attribute, a ``javascript:`` address, a script that is not the app's own
    (a full page loads both of the app's, a fragment neither)."""
    problems = []
    scripts = []
    for element in page.evaluate(_DOM_JS):
        tag = element["tag"]
        if tag not in ELEMENTS and not element["htmxStyle"]:
            problems.append(f"{where}: a <{tag}> element")
        problems += [f"{where}: <{tag} {name}=…>" for name in element["handlers"]]
        problems += [f"{where}: <{tag} {attr}>" for attr in element["scriptish"]]
        if tag == "script":
            scripts.append(element["src"])
    expected = [] if fragment else APP_SCRIPTS
    if scripts != expected:
        problems.append(f"{where}: scripts {scripts}, expected {expected}")
    return problems


def settle(page: Page) -> None:
    """Let what the page queued on load run: a broken image's error event, say."""
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)))")
