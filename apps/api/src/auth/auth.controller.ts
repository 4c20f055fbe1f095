import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Authenticated, Public } from '../common/access';
import { AuthedRequest, CurrentPrincipal, Principal } from '../common/principal';
import { AuthService } from './auth.service';
import { LoginRequest, LoginResponse } from './login.dto';

@ApiTags('authentication')
@Controller('v2/authentication')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  /** Exchange a username and password for a bearer token (14 days by default). */
  @Public()
  @Post('login')
  @HttpCode(200)
  login(@Body() body: LoginRequest, @Req() request: AuthedRequest): Promise<LoginResponse> {
    return this.auth.login(body.username, body.password, request.ip ?? 'unknown');
  }

  /** Revoke the token used for this call. */
  @Authenticated()
  @Post('logout')
  @HttpCode(204)
  logout(@CurrentPrincipal() principal: Principal): Promise<void> {
    return this.auth.logout(principal.tokenHash);
  }
}
