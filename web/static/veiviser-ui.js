// Veiviser's one script in the Gradio UI (loaded through `head`, same origin, so the Content-Security-Policy
// allows it without 'unsafe-inline'). It changes accessible names and one live-region setting of elements
// that Gradio renders with fixed English labels or roles, which no Gradio setting reaches:
// - every control and region gets a Norwegian accessible name that contains its visible text (WCAG 2.5.3);
// - the chat log is not a live region of its own: it would read a streamed answer piece by piece; the
//   complete answer is read once from #answer-live instead (web/ui.py);
// - a download link is named by its file, not only by its size;
// - a block that scrolls sideways (a wide table on a phone) can be focused and scrolled with the keyboard;
// - a group of radio buttons or checkboxes (such as «Jeg er») is named by its caption;
// - the safety notice, when it appears out of view, is scrolled into view (it comes first in the chat).
(() => {
  "use strict";
  const NAMES = {
    "chatbot conversation": "Samtale",
    "Copy message": "Kopier meldingen",
    "Copied message": "Meldingen er kopiert",
    "Copy table data": "Kopier tabellen",
    "Copied table data": "Tabellen er kopiert",
    "Table actions": "Tabellhandlinger",
    "Fullscreen": "Vis i fullskjerm",
    "Exit fullscreen": "Avslutt fullskjerm",
    "Exit fullscreen mode": "Avslutt fullskjerm",
    "Click to upload or drop files": "Slipp fil her eller klikk for å laste opp",
    "Gradio footer navigation": "Bunntekst",
    "Loading response": "Svaret lages",
    "More tabs": "Flere faner",
    "Scroll down": "Rull ned",
    "Scroll to bottom": "Rull til bunnen",
    "Clear": "Tøm",
    "Remove": "Fjern",
    "Download": "Last ned",
  };

  function fix() {
    for (const element of document.querySelectorAll("[aria-label]")) {
      const name = NAMES[element.getAttribute("aria-label")];
      if (name) element.setAttribute("aria-label", name);
    }
    for (const log of document.querySelectorAll("#chat [role=log]")) {
      if (log.getAttribute("aria-live") !== "off") log.setAttribute("aria-live", "off");
    }
    for (const link of document.querySelectorAll("a[download]")) {
      const visible = link.textContent.trim();
      const name = `Last ned ${link.getAttribute("download")}${visible ? `, ${visible}` : ""}`;
      if (link.getAttribute("aria-label") !== name) link.setAttribute("aria-label", name);
    }
    // A block that scrolls sideways (a wide report table on a phone) can be reached and scrolled with the keyboard.
    for (const block of document.querySelectorAll(".gradio-container .block")) {
      const scrolls = block.scrollWidth > block.clientWidth + 1 && /auto|scroll/.test(getComputedStyle(block).overflowX);
      if (scrolls && !block.hasAttribute("tabindex")) {
        const heading = block.querySelector("h1, h2, h3, h4, label, [data-testid=block-info]");
        block.setAttribute("tabindex", "0");
        block.setAttribute("role", "region");
        block.setAttribute("aria-label", `${heading ? heading.textContent.trim() : "Innhold"} (kan rulles sideveis)`);
      }
    }
    // The safety notice is the first thing seen when it appears: scrolled to the top of the screen if it is out
    // of view (the focus stays where it is; screen readers read it out as an alert).
    const notice = document.querySelector("#safety-notice [role=alert]");
    if (notice && notice.dataset.seen !== notice.textContent) {
      notice.dataset.seen = notice.textContent;
      const box = notice.getBoundingClientRect();
      if (box.top < 0 || box.bottom > window.innerHeight) notice.scrollIntoView({ block: "start" });
    }
    document.querySelectorAll("fieldset:not([aria-labelledby])").forEach((group, index) => {
      const caption = group.querySelector(":scope > [data-testid=block-info]");
      if (caption) {
        caption.id = caption.id || `${group.id || `group-${index}`}-caption`;
        group.setAttribute("aria-labelledby", caption.id);
      }
    });
  }

  let pending = false;
  const schedule = () => {
    if (!pending) {
      pending = true;
      requestAnimationFrame(() => {
        pending = false;
        fix();
      });
    }
  };
  new MutationObserver(schedule).observe(document.documentElement, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ["aria-label", "aria-live", "download"],
  });
  window.addEventListener("resize", schedule);
  schedule();
})();
