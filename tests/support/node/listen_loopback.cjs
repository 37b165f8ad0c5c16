// Preloaded (node -r) into the npm MCP servers the tests start: they listen on a bare port, which
// Node binds on every interface; this makes such a listen() bind 127.0.0.1 only, so a test never
// opens a port to the network. Any other form of listen() is left alone.
'use strict';
const net = require('net');
const original = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  const first = args[0];
  if (typeof first === 'number' || (typeof first === 'string' && /^[0-9]+$/.test(first))) {
    const callbacks = args.slice(1).filter((a) => typeof a === 'function');
    return original.call(this, { port: Number(first), host: '127.0.0.1' }, ...callbacks);
  }
  return original.apply(this, args);
};
