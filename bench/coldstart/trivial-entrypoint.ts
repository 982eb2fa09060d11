import { Controller, Module } from '@nestjs/common';
import { Subscribe } from '../../src/events';
import { NotificationSend } from '../../src/modules/notification';
import { runModule } from '../../src/split/entrypoint';

/** A subscription whose handler does nothing: what is left is the receiver, the inbox transaction and Nest. */
@Controller()
class IgnoreNotificationsHandler {
  @Subscribe(NotificationSend, { name: 'bench-ignore-notifications', subscriber: 'bench', batched: true, retry: 0 })
  handle(): void {}
}

@Module({ controllers: [IgnoreNotificationsHandler] })
class TrivialModule {}

runModule({ name: 'bench', owns: 'nothing', module: TrivialModule, migrations: [], configs: [], publishes: [], routes: [] }, [NotificationSend.name]);
