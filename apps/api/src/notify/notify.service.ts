import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, RunnerConfig } from '@app/config';
import { Account, NotifyRepository } from '@app/database';
import { NotifySettings, splitNotify } from '@app/domain';
import { sealed, SecretBox } from '@app/keys';
import type { NotifyDto } from './notify.dto';
import { checkNotifyTargets } from './notify-targets';

/** An account's default notifications: what jobs without their own `notify` use (README "Notifications"). */
@Injectable()
export class NotifyService {
  constructor(
    private readonly notify: NotifyRepository,
    private readonly box: SecretBox,
    @Inject(CONFIG) private readonly config: RunnerConfig,
  ) {}

  /** The stored default as it may be shown (its chat URL as "$encrypted$"); `{}` when there is none. */
  async accountDefault(account: Account): Promise<NotifySettings> {
    return (await this.notify.accountDefault(account.id)).notify ?? {};
  }

  /** Replaces the default; a chat URL sent as "$encrypted$" keeps the stored one, `{}` removes the default. */
  async setAccountDefault(account: Account, request: NotifyDto): Promise<NotifySettings> {
    await checkNotifyTargets('notify', request, this.config);
    const stored = await this.notify.accountDefault(account.id);
    const context = sealed.accountChatUrl(account.id);
    const previous = stored.sealedChatUrl ? this.box.open(stored.sealedChatUrl, context) : undefined;
    const { shown, chatUrl } = splitNotify('notify', request, previous);
    const empty = !shown.email && !shown.chat;
    await this.notify.setAccountDefault(account.id, empty ? null : shown, chatUrl ? this.box.seal(chatUrl, context) : null);
    return shown;
  }
}
