/**
 * The app a NestJS user would write for the same job: `nest new` defaults (Express, Nest's console logger),
 * `@nestjs/typeorm` with one entity, the CloudEvents SDK to read the binary event, and the same inbox row as a
 * module's first delivery. Port 0; the port printed on stdout for the benchmark: `{"port":<n>}`.
 */
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { InboxController, InboxRow } from './inbox';

@Module({
  imports: [TypeOrmModule.forRoot({ type: 'postgres', url: process.env.DATABASE_URL, entities: [InboxRow], synchronize: false }), TypeOrmModule.forFeature([InboxRow])],
  controllers: [InboxController],
})
class AppModule {}

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule);
  await app.listen(0);
  process.stdout.write(`${JSON.stringify({ port: app.getHttpServer().address().port })}\n`);
}

void bootstrap();
