// Preloaded into a Node gateway under test (node --require): every server it opens listens on 127.0.0.1
// only, whatever host the gateway asks for (Portkey's start-server binds every interface).
'use strict';
const net = require('net');
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'object' && args[0] !== null && !Array.isArray(args[0])) {
    args[0] = { ...args[0], host: '127.0.0.1' };
  } else if (typeof args[0] === 'number' || typeof args[0] === 'string') {
    const port = args[0];
    const rest = args.slice(1).filter((a) => typeof a === 'function' || typeof a === 'object');
    args = [port, '127.0.0.1', ...rest.filter((a) => typeof a !== 'string')];
  }
  return listen.apply(this, args);
};
