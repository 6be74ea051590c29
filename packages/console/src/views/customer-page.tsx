import { t } from '../lib/i18n';
import { CustomerPanel } from './customer-panel';

/** A customer on their own (from search, the queue or live visitors). */
export function CustomerPage({ customerId }: { customerId: string }) {
  return (
    <main class="view customer-page" aria-label={t('customer.panel')}>
      <CustomerPanel customerId={customerId} />
    </main>
  );
}
