import { expressionError } from './expression-lexer.js';
import { inSet, listHas, numberCompare, overlaps, parseIsoDate, type Getter, type ItemPredicate } from './expression-ops.js';
import { parseExpression, type CompareOp, type ExprNode, type LiteralNode } from './expression-parser.js';

export type { ItemPredicate };

export interface CompiledExpression {
  readonly source: string;
  readonly test: ItemPredicate;
}

export interface CompileOptions {
  /**
   * The numeric attribute names the catalogue has. When given, a bare name outside this set is
   * an error (a typo), instead of a numeric attribute that no item has.
   */
  numericNames?: ReadonlySet<string>;
}

const DAY_MS = 86_400_000;

// Operands after type checking. Numbers read as NaN when an item lacks the attribute, and every
// comparison with a missing number is false (like SQL's NULL), `!=` and `not in` included.
type Operand =
  | { type: 'str'; get: Getter<string>; constant: string | undefined; what: string }
  | { type: 'num'; get: Getter<number>; constant: number | undefined; time: boolean; what: string }
  | { type: 'list'; get: Getter<readonly string[]>; what: string }
  | { type: 'literals'; strings: ReadonlySet<string>; numbers: ReadonlySet<number>; what: string }
  | { type: 'bool'; test: ItemPredicate; what: string };

/** Parses and compiles once; the returned predicate allocates nothing per call. */
export function compileExpression(source: string, opts: CompileOptions = {}): CompiledExpression {
  const tree = parseExpression(source);
  const c = new Compiler(source, opts);
  return { source, test: c.condition(tree, 'a condition (a comparison, any(), all(), has() or a combination)') };
}

class Compiler {
  constructor(
    private readonly source: string,
    private readonly opts: CompileOptions,
  ) {}

  condition(node: ExprNode, expected: string): ItemPredicate {
    const op = this.operand(node);
    if (op.type !== 'bool') throw this.typeError(node, expected, op);
    return op.test;
  }

  private operand(node: ExprNode): Operand {
    switch (node.kind) {
      case 'str':
        return { type: 'str', get: () => node.value, constant: node.value, what: `the string ${JSON.stringify(node.value)}` };
      case 'num':
        return { type: 'num', get: () => node.value, constant: node.value, time: false, what: `the number ${node.value}` };
      case 'list':
        return this.literals(node.items, node.pos);
      case 'field':
        return this.field(node.name, node.pos);
      case 'and':
      case 'or':
        return this.chain(node.kind, node.args);
      case 'not': {
        const inner = this.condition(node.arg, 'a condition after "not"');
        return bool((a, now, id) => !inner(a, now, id));
      }
      case 'compare':
        return this.compare(node.op, node.left, node.right, node.pos);
      case 'in':
        return this.membership(node.left, node.right, node.negated, node.pos);
      case 'contains':
        return this.contains(node.left, node.right, node.pos);
      case 'between':
        return this.between(node.subject, node.low, node.high, node.pos);
      case 'call':
        return this.call(node.name, node.args, node.pos);
    }
  }

  private field(name: string, pos: number): Operand {
    switch (name) {
      case 'id':
        return { type: 'str', get: (_a, _now, id) => id, constant: undefined, what: 'the field id' };
      case 'kind':
        return { type: 'str', get: (a) => a.kind, constant: undefined, what: 'the field kind' };
      case 'categories':
      case 'category':
        return { type: 'list', get: (a) => a.categories, what: `the field ${name}` };
      case 'tags':
      case 'tag':
        return { type: 'list', get: (a) => a.tags, what: `the field ${name}` };
      case 'created_at':
        return { type: 'num', get: (a) => a.createdAt, constant: undefined, time: true, what: 'the field created_at' };
      case 'age_days':
        return { type: 'num', get: (a, now) => (now - a.createdAt) / DAY_MS, constant: undefined, time: false, what: 'the field age_days' };
    }
    let key = name;
    if (name.startsWith('numeric.')) key = name.slice('numeric.'.length);
    else if (this.opts.numericNames && !this.opts.numericNames.has(name)) {
      throw expressionError(this.source, pos, 'a field (id, kind, categories, tags, created_at, age_days or a numeric attribute)', `"${name}"`);
    }
    if (key.includes('.')) throw expressionError(this.source, pos, 'a field name without "." (numeric.<name> for numeric attributes)', `"${name}"`);
    return {
      type: 'num',
      // typeof keeps prototype members (constructor, __proto__) from reading as values.
      get: (a) => {
        const v = a.numeric[key];
        return typeof v === 'number' ? v : NaN;
      },
      constant: undefined,
      time: false,
      what: `the numeric attribute ${key}`,
    };
  }

  private literals(items: readonly LiteralNode[], pos: number): Operand {
    const strings = new Set<string>();
    const numbers = new Set<number>();
    for (const it of items) {
      if (it.kind === 'str') strings.add(it.value);
      else numbers.add(it.value);
    }
    if (strings.size > 0 && numbers.size > 0) throw expressionError(this.source, pos, 'a list of only strings or only numbers', 'a mixed list');
    return { type: 'literals', strings, numbers, what: 'a list' };
  }

  private chain(kind: 'and' | 'or', args: readonly ExprNode[]): Operand {
    const tests = args.map((a) => this.condition(a, `a condition on each side of "${kind}"`));
    const n = tests.length;
    if (kind === 'and') {
      return bool((a, now, id) => {
        for (let i = 0; i < n; i++) if (!tests[i]!(a, now, id)) return false;
        return true;
      });
    }
    return bool((a, now, id) => {
      for (let i = 0; i < n; i++) if (tests[i]!(a, now, id)) return true;
      return false;
    });
  }

  private compare(op: CompareOp, leftNode: ExprNode, rightNode: ExprNode, pos: number): Operand {
    let left = this.operand(leftNode);
    let right = this.operand(rightNode);
    // A list field compared with a string means membership: category = "drama".
    if (left.type === 'list' || right.type === 'list') {
      const list = left.type === 'list' ? left : right;
      const other = left.type === 'list' ? right : left;
      if ((op !== '=' && op !== '!=') || other.type !== 'str' || list.type !== 'list') {
        throw this.typeError(leftNode, `a string compared with "=" or "!=" to ${list.what}`, other, pos);
      }
      const has = listHas(list.get, other.get);
      return bool(op === '=' ? has : (a, now, id) => !has(a, now, id));
    }
    left = this.dateFor(left, right, leftNode);
    right = this.dateFor(right, left, rightNode);
    if (left.type === 'num' && right.type === 'num') return bool(numberCompare(op, left.get, right.get));
    if (left.type === 'str' && right.type === 'str' && (op === '=' || op === '!=')) {
      const l = left.get;
      const r = right.get;
      return bool(op === '=' ? (a, now, id) => l(a, now, id) === r(a, now, id) : (a, now, id) => l(a, now, id) !== r(a, now, id));
    }
    const expected = op === '=' || op === '!=' ? `two strings or two numbers around "${op}"` : `two numbers around "${op}"`;
    throw expressionError(this.source, pos, expected, `${describeOperand(left)} and ${describeOperand(right)}`);
  }

  /** created_at compared with a string literal: the string is an ISO date, read once here. */
  private dateFor(op: Operand, other: Operand, node: ExprNode): Operand {
    if (op.type !== 'str' || op.constant === undefined || other.type !== 'num' || !other.time) return op;
    const ms = parseIsoDate(op.constant);
    if (!Number.isFinite(ms)) throw expressionError(this.source, node.pos, 'an ISO date such as "2024-05-01" to compare with created_at', op.what);
    return { type: 'num', get: () => ms, constant: ms, time: true, what: op.what };
  }

  private membership(leftNode: ExprNode, rightNode: ExprNode, negated: boolean, pos: number): Operand {
    const left = this.operand(leftNode);
    const right = this.operand(rightNode);
    let test: ItemPredicate | undefined;
    if (right.type === 'literals') {
      if (left.type === 'str' && right.numbers.size === 0) test = inSet(left.get, right.strings);
      else if (left.type === 'num' && right.strings.size === 0) {
        const get = left.get;
        const set = right.numbers;
        // A missing number is in no list and "not in" none either (see the NaN note above).
        if (negated) return bool((a, now, id) => {
          const v = get(a, now, id);
          return v === v && !set.has(v);
        });
        test = (a, now, id) => set.has(get(a, now, id));
      } else if (left.type === 'list' && right.numbers.size === 0) test = overlaps(left.get, right.strings);
    } else if (right.type === 'list' && left.type === 'str') {
      test = listHas(right.get, left.get);
    }
    if (!test) throw this.typeError(leftNode, `a string or a number "in" a list of the same type, or a string "in" a list field`, left, pos);
    const t = test;
    return bool(negated ? (a, now, id) => !t(a, now, id) : t);
  }

  private contains(leftNode: ExprNode, rightNode: ExprNode, pos: number): Operand {
    const left = this.operand(leftNode);
    const right = this.operand(rightNode);
    if (left.type === 'list' && right.type === 'str') return bool(listHas(left.get, right.get));
    if (left.type === 'str' && right.type === 'str') {
      const l = left.get;
      const r = right.get;
      return bool((a, now, id) => l(a, now, id).includes(r(a, now, id)));
    }
    throw this.typeError(leftNode, 'a list field or a string, then a string, around "contains"', left.type === 'list' || left.type === 'str' ? right : left, pos);
  }

  private between(subjectNode: ExprNode, lowNode: ExprNode, highNode: ExprNode, pos: number): Operand {
    const subject = this.operand(subjectNode);
    const low = this.dateFor(this.operand(lowNode), subject, lowNode);
    const high = this.dateFor(this.operand(highNode), subject, highNode);
    for (const [o, n] of [[subject, subjectNode], [low, lowNode], [high, highNode]] as const) {
      if (o.type !== 'num') throw this.typeError(n, 'numbers around "between … and …"', o, pos);
    }
    const s = (subject as Extract<Operand, { type: 'num' }>).get;
    const lo = (low as Extract<Operand, { type: 'num' }>).get;
    const hi = (high as Extract<Operand, { type: 'num' }>).get;
    // Both ends inclusive; NaN anywhere makes both comparisons false.
    return bool((a, now, id) => {
      const v = s(a, now, id);
      return v >= lo(a, now, id) && v <= hi(a, now, id);
    });
  }

  private call(name: 'any' | 'all' | 'has', args: readonly ExprNode[], pos: number): Operand {
    if (name === 'has') {
      if (args.length !== 1) throw expressionError(this.source, pos, 'exactly one field in has()', `${args.length} arguments`);
      const f = this.operand(args[0]!);
      if (f.type === 'num' && f.constant === undefined) {
        const get = f.get;
        return bool((a, now, id) => {
          const v = get(a, now, id);
          return v === v;
        });
      }
      if (f.type === 'list') {
        const get = f.get;
        return bool((a, now, id) => get(a, now, id).length > 0);
      }
      throw this.typeError(args[0]!, 'a numeric attribute or a list field in has()', f);
    }
    if (args.length !== 2) throw expressionError(this.source, pos, `a list field and a list of strings in ${name}()`, `${args.length} arguments`);
    const list = this.operand(args[0]!);
    const wanted = this.operand(args[1]!);
    if (list.type !== 'list') throw this.typeError(args[0]!, `a list field (categories, tags) first in ${name}()`, list);
    if (wanted.type !== 'literals' || wanted.numbers.size > 0) throw this.typeError(args[1]!, `a list of strings second in ${name}()`, wanted);
    if (name === 'any') return bool(overlaps(list.get, wanted.strings));
    const values = [...wanted.strings];
    const get = list.get;
    return bool((a, now, id) => {
      const have = get(a, now, id);
      for (let i = 0; i < values.length; i++) if (!have.includes(values[i]!)) return false;
      return true;
    });
  }

  private typeError(node: ExprNode, expected: string, found: Operand, at = node.pos): Error {
    return expressionError(this.source, at, expected, describeOperand(found));
  }
}

function describeOperand(o: Operand): string {
  const kind = { str: 'a string', num: 'a number', list: 'a list of strings', literals: 'a list', bool: 'a condition' }[o.type];
  // Literals describe themselves ("the number 3"); fields also say their type.
  return o.what.startsWith('the field') || o.what.startsWith('the numeric') ? `${o.what} (${kind})` : o.what;
}

function bool(test: ItemPredicate): Operand {
  return { type: 'bool', test, what: 'a condition' };
}
