// Runs the inline script of one of Gaggle's sandbox shells (/mcp-ui-proxy, /mcp-app-proxy) against
// a small model of the browser objects it touches, plays the desktop and the guest for one
// scenario, and prints what the shell did as one JSON line.
//   node sandbox_shell.mjs PAGE.html QUERY ui-html|ui-url|app
import { readFileSync } from 'node:fs';
import vm from 'node:vm';

const [pageFile, query, scenario] = process.argv.slice(2);
const html = readFileSync(pageFile, 'utf8');
const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1];
if (!script) throw new Error('no inline script in the page');

class FakeWindow {
  constructor(name) { this.name = name; this.received = []; }
  postMessage(data, targetOrigin) { this.received.push({ data: JSON.parse(JSON.stringify(data)), targetOrigin }); }
}

const frames = [];
class FakeFrame {
  constructor() { this.attributes = {}; this.contentWindow = new FakeWindow('frame' + frames.length); this.removed = false; frames.push(this); }
  setAttribute(k, v) { this.attributes[k] = String(v); }
  getAttribute(k) { return this.attributes[k]; }
  remove() { this.removed = true; }
}

const parent = new FakeWindow('parent');
const stranger = new FakeWindow('stranger');
const listeners = [];
const body = { children: [], textContent: '', appendChild(c) { this.children.push(c); } };
let replacedUrl = null;
const window = {
  parent,
  addEventListener(type, fn) { if (type === 'message') listeners.push(fn); },
};
const context = vm.createContext({
  window,
  location: { search: '?' + query, pathname: '/shell' },
  history: { replaceState(_s, _t, url) { replacedUrl = url; } },
  document: { body, createElement(tag) { if (tag !== 'iframe') throw new Error('unexpected element ' + tag); return new FakeFrame(); } },
  URL, URLSearchParams, Object, JSON, console,
});
vm.runInContext(script, context);

const dispatch = (source, data) => listeners.forEach((fn) => fn({ source, data, origin: 'http://127.0.0.1' }));
const frameState = (f) => f && { attributes: f.attributes, srcdoc: f.srcdoc ?? null, src: f.src ?? null, removed: f.removed, received: f.contentWindow.received };
const out = { replacedUrl, listeners: listeners.length };
out.readyMessages = parent.received.map((m) => m.data);

if (scenario === 'ui-html') {
  dispatch(parent, { type: 'ui-html-content', payload: { html: '<p>hi</p>', sandbox: 'allow-scripts allow-forms' } });
  dispatch(parent, { type: 'ui-lifecycle-iframe-render-data', payload: { renderData: { n: 1 } } });
  dispatch(frames[0].contentWindow, { type: 'ui-size-change', payload: { height: 321 } });
  dispatch(stranger, { type: 'ui-size-change', payload: { height: 1 } });
} else if (scenario === 'ui-url') {
  dispatch(parent, { type: 'ui-lifecycle-iframe-render-data', payload: {} });
  if (frames[0]) dispatch(frames[0].contentWindow, { type: 'ui-request-data', messageId: 'm1' });
} else if (scenario === 'app') {
  dispatch(parent, { jsonrpc: '2.0', method: 'ui/notifications/tool-input', params: {} }); // no guest yet: dropped
  dispatch(parent, { jsonrpc: '2.0', method: 'ui/notifications/sandbox-resource-ready', params: { html: '<b>one</b>' } });
  dispatch(parent, { jsonrpc: '2.0', method: 'ui/notifications/sandbox-resource-ready',
                     params: { html: '<b>app</b>', permissions: { camera: true, clipboardWrite: true, microphone: false } } });
  dispatch(parent, { jsonrpc: '2.0', method: 'ui/notifications/tool-result', params: { content: [] } });
  dispatch(parent, 'not an object');
  dispatch(frames[1].contentWindow, { jsonrpc: '2.0', method: 'ui/notifications/size-changed', params: { height: 480 } });
  dispatch(frames[0].contentWindow, { jsonrpc: '2.0', method: 'from-the-old-guest' });
  dispatch(stranger, { jsonrpc: '2.0', method: 'from-a-stranger' });
} else {
  throw new Error('unknown scenario ' + scenario);
}

out.parentMessages = parent.received;
out.bodyText = body.textContent;
out.frames = frames.map(frameState);
out.shown = body.children.length;
console.log(JSON.stringify(out));
