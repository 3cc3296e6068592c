// A TCP proxy on 127.0.0.1 in front of another server (PostgreSQL), for outage tests: cut() breaks
// every open connection and refuses new ones (as a crashed or unreachable server would), restore()
// lets connections through again; deafen(n) silently drops everything the n-th connection (0 = the
// first accepted) carries in either direction while keeping it open, as a half-open connection
// after a failover does. The server behind it, and everyone else using it, is untouched.
import net from 'node:net';

export interface TcpProxy {
  port: number;
  cut(): void;
  restore(): void;
  deafen(n: number): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const open = new Set<net.Socket>();
  const deaf = new Set<number>();
  let accepted = 0;
  let up = true;
  const track = (socket: net.Socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const server = net.createServer((client) => {
    track(client);
    if (!up) {
      client.destroy();
      return;
    }
    const n = accepted++;
    const upstream = net.connect(target.port, target.host);
    track(upstream);
    const forward = (from: net.Socket, to: net.Socket) =>
      from.on('data', (chunk: Buffer) => {
        if (!deaf.has(n)) to.write(chunk);
      });
    forward(client, upstream);
    forward(upstream, client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    cut() {
      up = false;
      for (const socket of open) socket.destroy();
    },
    restore() {
      up = true;
    },
    deafen(n) {
      deaf.add(n);
    },
    close() {
      up = false;
      for (const socket of open) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
