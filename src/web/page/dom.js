// The one way the page makes elements: text goes in as text (textContent),
// never as HTML, because host names and errors come from the servers.

export function el(tag, className, text) {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}

/** A stable hue for a group name, so a group keeps its colour across reloads. */
export function hueOf(name) {
  let hash = 0;
  for (let i = 0; i < name.length; i++) hash = (hash * 31 + name.charCodeAt(i)) >>> 0;
  return hash % 360;
}
