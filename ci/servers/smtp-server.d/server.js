// The smtp-server (nodemailer) daemon for smtpspec, started by the command ci/servers/smtp-server
// prints:  NODE_PATH=<cache>/node_modules node server.js PORT
//
// Listens on 127.0.0.1:PORT only; accepts every recipient and discards every message (the
// content is read and thrown away); AUTH PLAIN/LOGIN is offered without TLS and accepts only the
// harness's default credentials (smtpspec / smtpspec-secret, or $SMTPSPEC_AUTH as USER:PASSWORD),
// but is optional for sending; STARTTLS uses smtp-server's bundled self-signed certificate. No DNS:
// the reverse lookup of the client is disabled and the server name is fixed (mx.example.com, or
// $SMTPSPEC_SMTP_SERVER_HOSTNAME). SIGTERM and SIGINT end the process at once.
'use strict';

const { SMTPServer } = require('smtp-server');

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
    console.error('usage: node server.js PORT');
    process.exit(2);
}
const auth = process.env.SMTPSPEC_AUTH || 'smtpspec:smtpspec-secret';
const colon = auth.indexOf(':');
const user = auth.slice(0, colon);
const password = auth.slice(colon + 1);

const server = new SMTPServer({
    name: process.env.SMTPSPEC_SMTP_SERVER_HOSTNAME || 'mx.example.com',
    size: 33554432,
    authOptional: true,
    allowInsecureAuth: true,
    disableReverseLookup: true,
    logger: false,
    onAuth(a, session, callback) {
        if (a.username === user && a.password === password) {
            return callback(null, { user: a.username });
        }
        const err = new Error('Authentication credentials invalid');
        err.responseCode = 535;
        return callback(err);
    },
    onData(stream, session, callback) {
        stream.on('data', () => {});
        stream.on('end', () => {
            if (stream.sizeExceeded) {
                const err = new Error('Message exceeds the fixed maximum message size');
                err.responseCode = 552;
                return callback(err);
            }
            return callback(null, 'OK: message discarded');
        });
    }
});

server.on('error', err => {
    console.error('smtp-server: ' + (err && err.message ? err.message : err));
    if (err && (err.code === 'EADDRINUSE' || err.code === 'EACCES' || err.code === 'EADDRNOTAVAIL')) {
        process.exit(1);
    }
});
for (const signal of ['SIGTERM', 'SIGINT']) {
    process.on(signal, () => process.exit(0));
}
server.listen(port, '127.0.0.1');
