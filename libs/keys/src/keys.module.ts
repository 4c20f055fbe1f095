import { Global, Module } from '@nestjs/common';
import { CONFIG, RunnerConfig } from '@app/config';
import { SettingRepository } from '@app/database';
import { sealed } from './sealed-columns';
import { loadEncryptionKey, SecretBox } from './secret-box';

const KEY_CHECK_SETTING = 'encryption_key_check';
const KEY_CHECK_TEXT = 'automation-runner key check';

/**
 * Provides the SecretBox, after proving its key is the one that sealed the data already stored:
 * the first node stores a sealed check value; every later start must be able to open it.
 */
@Global()
@Module({
  providers: [
    {
      provide: SecretBox,
      inject: [CONFIG, SettingRepository],
      useFactory: async (config: RunnerConfig, settings: SettingRepository): Promise<SecretBox> => {
        const box = new SecretBox(loadEncryptionKey(config, true));
        const stored = await settings.putIfAbsent(KEY_CHECK_SETTING, box.seal(KEY_CHECK_TEXT, sealed.keyCheck()));
        let opened: string | undefined;
        try {
          opened = box.open(stored, sealed.keyCheck());
        } catch {
          opened = undefined;
        }
        if (opened !== KEY_CHECK_TEXT) {
          throw new Error(
            'The encryption key (RUNNER_ENCRYPTION_KEY or the key file in RUNNER_DATA_DIR) is not the key that encrypted ' +
              "this database's secrets. Start with the original key.",
          );
        }
        return box;
      },
    },
  ],
  exports: [SecretBox],
})
export class KeysModule {}
