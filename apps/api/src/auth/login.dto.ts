import { IsString, MaxLength, MinLength } from 'class-validator';

export class LoginRequest {
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  username: string;

  /** Secret: never logged or returned. */
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  password: string;
}

export class LoginResponse {
  userName: string;
  accountAlias: string;
  locationAlias: string;
  roles: string[];
  bearerToken: string;
}
