import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { Server, ServerOptions } from 'socket.io';
import { allowOrigins } from './origin';

/**
 * The socket.io server of the realtime gateway, on the API's own HTTP(S) server: no client script
 * served, and browsers connect only from allowed origins. allowRequest refuses every handshake
 * (polling and WebSocket) from another origin; `cors` only lets the allowed pages read polling
 * answers (it does not stop a WebSocket).
 */
export class RealtimeIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly allowedOrigins: string[],
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const allowed = this.allowedOrigins;
    return super.createIOServer(port, {
      ...options,
      serveClient: false,
      allowRequest: allowOrigins(allowed),
      ...(allowed.length ? { cors: { origin: allowed } } : {}),
    } as ServerOptions);
  }
}
