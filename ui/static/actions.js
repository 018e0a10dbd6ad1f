// Runs as gr.HTML js_on_load: `element`, `trigger` and `watch` are provided by Gradio.
// Every interactive element rendered by ui/render.py is a <button data-ka-action=...>;
// a click (mouse, Enter or Space) becomes one server event carrying its data attributes.
element.addEventListener('click', (event) => {
  const hit = event.target instanceof Element ? event.target.closest('[data-ka-action]') : null;
  if (!hit || !element.contains(hit)) return;
  event.preventDefault();
  const d = hit.dataset;
  trigger('click', {
    action: d.kaAction || '', turn: d.turn || '', n: d.n || '', c: d.c || '', ref: d.ref || '',
    rating: d.rating || '',
  });
});
const outOfView = (el) => {
  const r = el.getBoundingClientRect();
  return r.top < 0 || r.top > window.innerHeight - 80;
};
if (element.closest('.ka-focus-on-update')) {
  // The side panel: move keyboard focus to the new content and bring it into view (phones stack it below).
  watch('value', () => {
    const target = element.querySelector('[tabindex="-1"]');
    if (!target) return;
    target.focus({ preventScroll: true });
    if (outOfView(target)) target.scrollIntoView({ block: 'start', behavior: 'smooth' });
  });
}
if (element.closest('.ka-scroll-last')) {
  // The conversation: keep the newest exchange in view while it is written.
  watch('value', () => {
    const turns = element.querySelectorAll('.ka-turn');
    const last = turns[turns.length - 1];
    if (last && outOfView(last)) last.scrollIntoView({ block: 'start', behavior: 'smooth' });
  });
}
