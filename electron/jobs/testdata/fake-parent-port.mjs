// Stands in for Electron's process.parentPort in a plain Node child process (IPC channel of fork()),
// so the utility process's job body runs, unchanged, under the tests.
process.parentPort = {
  postMessage: (m) => process.send(m),
  on: (event, cb) => process.on(event, (data) => cb({ data })),
};
