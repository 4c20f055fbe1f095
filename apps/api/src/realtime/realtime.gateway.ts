import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ConnectedSocket, OnGatewayConnection, OnGatewayDisconnect, OnGatewayInit, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { AccountRepository, ExecutionReads, JobRepository, TokenOwner } from '@app/database';
import { tokenCovers, Clock } from '@app/domain';
import { TokenService } from '../auth/token.service';
import { SocketMessages } from '../common/access';
import { rolesAllowSubscribing, SUBSCRIBE_PERMISSION } from './authority';
import { RecordFeed } from './record-feed';
import { SocketAuthority, SocketGrant } from './socket-authority';
import { Subscriber, Subscription } from './subscriber';

interface SubscribeRequest {
  accountAlias?: unknown;
  jobId?: unknown;
  executionId?: unknown;
  afterCounter?: unknown;
}
type Answer = { ok: true } | { ok: false; message: string };

/**
 * A message's payload as the client sent it. Not @MessageBody: the global pipe is for HTTP bodies
 * and would throw at a non-object (no ack, only a logged exception); the gateway checks every field
 * itself and answers `{ok: false, message}`.
 */
const RawMessage = createParamDecorator((_: unknown, context: ExecutionContext): unknown => context.switchToWs().getData());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * socket.io namespace `/automation` on the API's port (API.md), a NestJS gateway on the socket.io
 * server that RealtimeIoAdapter makes (allowed origins): the token is checked at the handshake and
 * again at every subscribe, and SocketAuthority ends the socket once it no longer holds;
 * `subscribe` replays stored records after `afterCounter` (one execution) and then streams live
 * ones, in counter order per execution (Subscriber, RecordFeed). Each message is answered through
 * its ack, `{ok: true}` or `{ok: false, message}`. Nest closes the server before the HTTP server
 * on shutdown, so clients see "transport close" and reconnect, to another node.
 */
@SocketMessages()
@WebSocketGateway({ namespace: '/automation' })
export class RealtimeGateway implements OnGatewayInit<Namespace>, OnGatewayConnection<Socket>, OnGatewayDisconnect<Socket> {
  constructor(
    private readonly tokens: TokenService,
    private readonly accounts: AccountRepository,
    private readonly jobs: JobRepository,
    private readonly executions: ExecutionReads,
    private readonly feed: RecordFeed,
    private readonly authority: SocketAuthority,
    private readonly clock: Clock,
  ) {}

  /** The handshake: a token that may follow records, or no connection. */
  afterInit(namespace: Namespace): void {
    namespace.use((socket, next) => {
      const token = socket.handshake.auth?.token;
      if (typeof token !== 'string') return next(new Error('unauthorized: send auth: {token}'));
      this.tokens.resolve(token).then(
        (found) => {
          let grant: SocketGrant;
          try {
            const owner = mayFollow(found);
            grant = { tokenHash: owner.tokenHash, userId: owner.user.id, expiresAt: owner.expiresAt };
          } catch (refused) {
            return next(refused as Error);
          }
          socket.data.grant = grant;
          next();
        },
        () => next(new Error('unavailable: try again shortly')),
      );
    });
  }

  handleConnection(socket: Socket): void {
    this.authority.watch(socket, socket.data.grant as SocketGrant);
    const subscriber = new Subscriber(socket, this.feed.read, this.feed.readLimit);
    socket.data.subscriber = subscriber;
    this.feed.subscribers.add(subscriber);
  }

  handleDisconnect(socket: Socket): void {
    this.feed.subscribers.delete(socket.data.subscriber as Subscriber);
  }

  @SubscribeMessage('subscribe')
  async onSubscribe(@ConnectedSocket() socket: Socket, @RawMessage() request: SubscribeRequest): Promise<Answer> {
    try {
      await this.subscribe(socket.data.subscriber as Subscriber, request);
      return { ok: true };
    } catch (error) {
      return { ok: false, message: (error as Error).message };
    }
  }

  @SubscribeMessage('unsubscribe')
  onUnsubscribe(@ConnectedSocket() socket: Socket, @RawMessage() request: SubscribeRequest): Answer {
    (socket.data.subscriber as Subscriber).subscriptions.delete(keyOf(request));
    return { ok: true };
  }

  private async subscribe(subscriber: Subscriber, request: SubscribeRequest): Promise<void> {
    const { accountAlias, jobId, executionId, afterCounter } = request ?? {};
    if (typeof accountAlias !== 'string') throw new Error('accountAlias is required');
    if (jobId !== undefined && (typeof jobId !== 'string' || !UUID.test(jobId))) throw new Error('jobId must be a job id');
    if (executionId !== undefined && (typeof executionId !== 'string' || !UUID.test(executionId))) throw new Error('executionId must be an execution id');
    if (afterCounter !== undefined && !(Number.isInteger(afterCounter) && (afterCounter as number) >= 0)) {
      throw new Error('afterCounter must be a whole number ≥ 0');
    }
    // Re-check the token: it may have been revoked since the handshake.
    const owner = mayFollow(await this.tokens.resolve(String(subscriber.socket.handshake.auth.token)));
    const account = await this.accounts.findByAlias(accountAlias);
    const runOnly = !!owner.runExecutionId;
    if (!account || !tokenCovers({ path: owner.account.path, runOnly }, account.path)) throw new Error(`forbidden: you may not see account alias ${accountAlias}`);
    if (jobId && !(await this.jobs.findInAccount(account.id, jobId))) throw new Error(`job ${jobId} not found in ${accountAlias}`);
    const scope = executionId ? await this.feed.scope(executionId) : null;
    if (executionId && (!scope || scope.accountId !== account.id || (jobId && scope.jobId !== jobId))) {
      throw new Error(`execution ${executionId} not found in ${accountAlias}`);
    }

    const subscription: Subscription = {
      key: keyOf(request),
      accountId: account.id,
      accountPath: account.path,
      ...(runOnly ? { onlyAccount: true } : {}),
      since: this.clock.now().getTime(),
      ...(typeof jobId === 'string' ? { jobId } : {}),
      ...(typeof executionId === 'string' ? { executionId } : {}),
    };
    if (executionId && scope) {
      subscriber.startAt(executionId, (afterCounter as number | undefined) ?? 0);
      subscriber.subscriptions.set(subscription.key, subscription);
      void subscriber.catchUp(executionId, scope);
      return;
    }
    // A job or alias subscription streams from now on: runs under way continue from where they are.
    for (const active of await this.executions.activeCounters({ accountPath: account.path, jobId: subscription.jobId })) {
      subscriber.startAt(active.id, active.lastCounter);
    }
    subscriber.subscriptions.set(subscription.key, subscription);
  }
}

/** The token's owner if it may follow records (at the handshake and at each subscribe); else throws why not. */
function mayFollow<T extends TokenOwner>(owner: T | null): T {
  if (!owner) throw new Error('unauthorized: the token is invalid, expired or revoked');
  if (!rolesAllowSubscribing(owner.user.roles)) throw new Error(`forbidden: your roles do not permit ${SUBSCRIBE_PERMISSION}`);
  return owner;
}

function keyOf(request: SubscribeRequest): string {
  return `${String(request?.accountAlias)}/${String(request?.jobId ?? '*')}/${String(request?.executionId ?? '*')}`;
}
