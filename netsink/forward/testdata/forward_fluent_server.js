// An independent Forward server for forward_fluentnode_test.go: @fluent-org/logger's
// FluentServer (the Fluent project's Node.js implementation of protocol v1), listening on
// 127.0.0.1 with the shared key given as argv[2]. It prints "PORT <n>", then one JSON line
// per entry received; it exits when its standard input closes.
const {FluentServer, EventTime} = require("@fluent-org/logger");

const server = new FluentServer({
  security: {serverHostname: "node-fluent-server", sharedKey: process.argv[2], authorize: false, userDict: {}},
  listenOptions: {host: "127.0.0.1", port: 0},
});
server.on("entry", (tag, time, record) => {
  const t = time instanceof EventTime ? {epoch: time.epoch, nano: time.nano} : {epoch: time, nano: 0};
  process.stdout.write(JSON.stringify({tag, time: t, record}) + "\n");
});
server.listen().then(() => process.stdout.write("PORT " + server.port + "\n"));
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
