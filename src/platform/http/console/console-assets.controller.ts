import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiOperation, PUBLIC_ACCESS } from '../api-docs/api-operation';
import { CONSOLE_SCRIPT } from './console-script';
import { CONSOLE_STYLE } from './console-style';

/** The console's stylesheet and script, served by every process (each serves the pages of the data it owns). */
@Controller('console/assets')
export class ConsoleAssetsController {
  @Get('console.css')
  @ApiOperation({ tag: 'console', summary: "The console's stylesheet", access: PUBLIC_ACCESS, responses: { 200: { description: 'CSS.', contentType: 'text/css' } } })
  style(@Res({ passthrough: true }) reply: FastifyReply): string {
    asset(reply, 'text/css; charset=utf-8');
    return CONSOLE_STYLE;
  }

  @Get('console.js')
  @ApiOperation({ tag: 'console', summary: "The console's script", access: PUBLIC_ACCESS, responses: { 200: { description: 'JavaScript.', contentType: 'text/javascript' } } })
  script(@Res({ passthrough: true }) reply: FastifyReply): string {
    asset(reply, 'text/javascript; charset=utf-8');
    return CONSOLE_SCRIPT;
  }
}

function asset(reply: FastifyReply, contentType: string): void {
  void reply.header('content-type', contentType).header('x-content-type-options', 'nosniff').header('cache-control', 'public, max-age=300');
}
