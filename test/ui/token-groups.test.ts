import t from 'tap';
import { parseTokenList } from '../../ui/src/pages/tokens/groups.ts';

t.test('token lists typed by hand: commas, spaces, new lines; each once, in order', async (t) => {
  t.same(parseTokenList('A1, A2 A3\nA4;A1'), ['A1', 'A2', 'A3', 'A4']);
  t.same(parseTokenList('  '), []);
  t.same(parseTokenList('04E91C2A'), ['04E91C2A']);
});
