// Stands in for codemirror-json-schema's markdown renderer, which brings markdown-it and the shiki highlighter
// (a third of the bundle) to show schema descriptions; the profile schema's descriptions are plain sentences.
export function renderMarkdown(text) {
  return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/`([^`]+)`/g, '<code>$1</code>');
}
