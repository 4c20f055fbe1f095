import { SecretMasker } from '@app/domain';

/**
 * The secrets a run has learnt so far (keys, passwords, secret variables, its token, gateway
 * keys), and the masker for them. Preparation adds to them step by step; the masker is built when
 * it is next used, so a run builds it about once, not at every step.
 */
export class RunSecrets {
  private readonly values: (string | undefined)[] = [];
  private built?: SecretMasker;

  add(...secrets: (string | undefined)[]): void {
    this.values.push(...secrets);
    this.built = undefined;
  }

  get masker(): SecretMasker {
    return (this.built ??= new SecretMasker(this.values));
  }

  /** Text with every known secret masked (error messages may quote what they failed on). */
  mask(text: string): string {
    return this.masker.text(text);
  }
}
