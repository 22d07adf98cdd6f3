// biome-ignore lint/correctness/noUnusedVariables: Make calls the function by its name
function parseJson(text) {
  // Make's IML has no JSON parser; a mapped JSON text becomes the event's data object here.
  return JSON.parse(text);
}
