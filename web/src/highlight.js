// Renders an article text with the evidence spans of an event highlighted.
// Spans may overlap (an actor inside the event's sentence, a place inside an
// actor): the text is cut at every span boundary and each piece is marked
// with the most specific field covering it, all fields listed in data-fields.
import { el } from "./dom.js";

// Lower number wins when spans overlap; the sentence is only a backdrop.
const PRIORITY = {
  trigger: 0, fatalities: 1, injured: 1, casualties: 1, date: 2, place: 3,
  actor: 4, recipient: 5,
};
const rank = (field) => PRIORITY[field] ?? 6;

export function highlightedText(text, spans, labelOf) {
  const frag = document.createDocumentFragment();
  const valid = spans.filter((s) => s.start >= 0 && s.end <= text.length && s.start < s.end);
  const cuts = new Set([0, text.length]);
  for (const s of valid) { cuts.add(s.start); cuts.add(s.end); }
  const points = [...cuts].sort((a, b) => a - b);
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i], b = points[i + 1];
    const piece = text.slice(a, b);
    const covering = valid.filter((s) => s.start <= a && s.end >= b);
    const marks = covering.filter((s) => s.field !== "sentence");
    const inSentence = covering.some((s) => s.field === "sentence");
    if (!marks.length) {
      frag.append(inSentence ? el("span", { class: "hl-sentence", text: piece }) : piece);
      continue;
    }
    marks.sort((x, y) => rank(x.field) - rank(y.field));
    const fields = [...new Set(marks.map((s) => s.field))];
    const main = fields[0];
    frag.append(el("mark", {
      class: `hl hl-${cssName(main)}` + (inSentence ? " in-sentence" : ""),
      "data-field": main,
      "data-fields": fields.join(" "),
      title: fields.map(labelOf).join(" · "),
      text: piece,
    }));
  }
  return frag;
}

export function cssName(field) {
  return String(field).replace(/[^a-z0-9_-]/gi, "_");
}
