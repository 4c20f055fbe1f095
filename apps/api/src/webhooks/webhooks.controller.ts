import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Account, WebhookRepository } from '@app/database';
import { sealed, SecretBox, webhookSigningSecret } from '@app/keys';
import { randomBytes } from 'node:crypto';
import { Requires } from '../common/access';
import { Reads } from '../common/route-decorators';
import { TargetAccount } from '../common/principal';

export class WebhookSecretResponse {
  /** HMAC-SHA256 key (its UTF-8 bytes) for `X-Runner-Signature: sha256=<hex>` over the raw body. */
  secret: string;
}

@ApiTags('webhooks')
@Controller('v2/automation/webhooks')
export class WebhooksController {
  constructor(
    private readonly webhooks: WebhookRepository,
    private readonly box: SecretBox,
  ) {}

  /** The account's webhook signing secret (created on first use). */
  @Reads(':alias/secret', 'administer')
  async secret(@TargetAccount() account: Account): Promise<WebhookSecretResponse> {
    return { secret: await webhookSigningSecret(this.webhooks, this.box, account.id) };
  }

  /** A new signing secret; deliveries from now on are signed with it. */
  @Requires('administer')
  @Post(':alias/secret')
  @HttpCode(200)
  async rotate(@TargetAccount() account: Account): Promise<WebhookSecretResponse> {
    const secret = randomBytes(32).toString('hex');
    await this.webhooks.rotateSecret(account.id, this.box.seal(secret, sealed.webhookSecret(account.id)));
    return { secret };
  }
}
