// The profile editor of /hub/admin/profiles: CodeMirror 6 over the page's text area, with YAML highlighting,
// completion and inline checks from profiles.schema.json (the schema the hub itself validates with), and the
// server's file:line:column errors marked in the gutter. profiles.js drives it through window.NbhubEditor.
import {EditorState, StateEffect, StateField, RangeSet} from '@codemirror/state';
import {EditorView, GutterMarker, gutterLineClass, keymap, lineNumbers, highlightActiveLine,
  highlightActiveLineGutter, drawSelection, Decoration} from '@codemirror/view';
import {defaultKeymap, history, historyKeymap, indentWithTab} from '@codemirror/commands';
import {indentOnInput, bracketMatching, syntaxHighlighting, defaultHighlightStyle} from '@codemirror/language';
import {autocompletion, completionKeymap, CompletionContext} from '@codemirror/autocomplete';
import {lintGutter, linter, lintKeymap} from '@codemirror/lint';
import {yaml, yamlLanguage} from '@codemirror/lang-yaml';
import {yamlCompletion, yamlSchemaLinter} from 'codemirror-json-schema/yaml';
import {stateExtensions, updateSchema} from 'codemirror-json-schema';
import profileSchema from '../../../../../profiles/profiles.schema.json';

// A file holds one profile or a list of them. The schema says so with oneOf, whose errors would all land on the
// first line; the editor checks against the one branch the document's shape chooses, so each error is at its key.
const definitions = profileSchema.definitions;
const oneProfile = {$schema: profileSchema.$schema, definitions, ...definitions.profile};
const profileList = {$schema: profileSchema.$schema, definitions, type: 'array', items: {$ref: '#/definitions/profile'}};
function schemaFor(text) {
  const first = text.split('\n').find(l => l.trim() !== '' && !l.trim().startsWith('#') && l.trim() !== '---');
  return first && first.trimStart().startsWith('-') ? profileList : oneProfile;
}

// A key typed on a line of its own ("  g" under "cpu:") reads in YAML as the parent's text value, for which the
// schema has nothing to offer; completing as if its colon were already typed offers the parent's keys.
const schemaCompletion = yamlCompletion();
function profileCompletion(ctx) {
  const result = schemaCompletion(ctx);
  if (result && result.options && result.options.length) return result;
  const line = ctx.state.doc.lineAt(ctx.pos);
  const before = line.text.slice(0, ctx.pos - line.from), after = line.text.slice(ctx.pos - line.from);
  if (!/^\s*(- )?[\w.-]+$/.test(before) || after.trim() !== '') return result;
  const asKey = ctx.state.update({changes: {from: ctx.pos, insert: ':'}}).state;
  return schemaCompletion(new CompletionContext(asKey, ctx.pos, ctx.explicit)) || result;
}

// The server's errors from the last Validate or Save, kept at their lines while the text is edited.
const setServerErrors = StateEffect.define();
class ServerErrorMarker extends GutterMarker {
  constructor(message) { super(); this.message = message; this.elementClass = 'cm-server-error'; }
  eq(other) { return other.message === this.message; }
}
const serverErrors = StateField.define({
  create: () => RangeSet.empty,
  update(markers, tr) {
    markers = markers.map(tr.changes);
    for (const e of tr.effects) {
      if (e.is(setServerErrors)) {
        const doc = tr.state.doc;
        markers = RangeSet.of(e.value.filter(x => x.line >= 1 && x.line <= doc.lines)
          .map(x => new ServerErrorMarker(x.message).range(doc.line(x.line).from)), true);
      }
    }
    return markers;
  },
  provide: f => [
    gutterLineClass.from(f),
    EditorView.decorations.from(f, markers => {
      const lines = [];
      markers.between(0, 1e9, from => { lines.push(Decoration.line({class: 'cm-server-error-line'}).range(from)); });
      return Decoration.set(lines, true);
    })
  ]
});
const theme = EditorView.baseTheme({
  '.cm-gutterElement.cm-server-error': {color: '#fff', backgroundColor: '#b00020'},
  '.cm-server-error-line': {backgroundColor: '#fdecea'}
});

function attach(textarea) {
  const host = document.createElement('div');
  host.id = 'code-editor';
  const plain = document.getElementById('plain-editor');
  plain.after(host);
  plain.hidden = true;
  let schema = schemaFor(textarea.value);
  const view = new EditorView({
    parent: host,
    state: EditorState.create({
      doc: textarea.value,
      extensions: [
        lineNumbers(), highlightActiveLineGutter(), lintGutter(), history(), drawSelection(), indentOnInput(),
        bracketMatching(), highlightActiveLine(), syntaxHighlighting(defaultHighlightStyle, {fallback: true}),
        yaml(),
        yamlLanguage.data.of({autocomplete: profileCompletion}),
        autocompletion(),
        linter(yamlSchemaLinter(), {delay: 300}),
        stateExtensions(schema),
        serverErrors, theme,
        keymap.of([...defaultKeymap, ...historyKeymap, ...completionKeymap, ...lintKeymap, indentWithTab]),
        EditorView.updateListener.of(u => {
          if (!u.docChanged) return;
          const text = u.state.doc.toString();
          // The text area stays the page's copy of the text (a reload or a test reads it there).
          textarea.value = text;
          const wanted = schemaFor(text);
          if (wanted !== schema) {
            schema = wanted;
            updateSchema(u.view, schema);
          }
        })
      ]
    })
  });
  return {
    view,
    text: () => view.state.doc.toString(),
    setText(text) { view.dispatch({changes: {from: 0, to: view.state.doc.length, insert: text}}); },
    goTo(line) {
      if (line < 1 || line > view.state.doc.lines) return;
      const l = view.state.doc.line(line);
      view.dispatch({selection: {anchor: l.from, head: l.to}, scrollIntoView: true});
      view.focus();
    },
    selectedText() {
      const r = view.state.selection.main;
      return view.state.sliceDoc(r.from, r.to);
    },
    markServerErrors(errors) { view.dispatch({effects: setServerErrors.of(errors)}); }
  };
}

window.NbhubEditor = {attach};
