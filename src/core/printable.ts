/** Host text for a message: control characters become '?', so nothing a host sends reaches a terminal as a command. */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '?');
}
