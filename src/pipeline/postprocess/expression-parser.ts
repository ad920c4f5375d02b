import { MAX_EXPRESSION_DEPTH, MAX_EXPRESSION_LENGTH } from '../../config/index.js';
import { describeToken, expressionError, tokenize, type Punct, type Token } from './expression-lexer.js';

/**
 * Attribute expressions: a small recursive-descent parser (one token of look-ahead, no
 * backtracking, so time is linear in the length). The grammar, lowest precedence first:
 *
 *   expression := or
 *   or         := and ("or" and)*
 *   and        := not ("and" not)*
 *   not        := "not" not | predicate
 *   predicate  := operand [ ("=" | "==" | "!=" | "<>" | "<" | "<=" | ">" | ">=") operand
 *                         | ["not"] "in" operand
 *                         | "contains" operand
 *                         | "between" operand "and" operand ]
 *   operand    := "(" expression ")" | call | list | string | number | field
 *   call       := ("any" | "all" | "has") "(" operand ("," operand)* ")"
 *   list       := "[" [ (string | number) ("," (string | number))* ] "]"
 *
 * Keywords are case-insensitive; field names are not. Types are checked afterwards
 * (expression-compile.ts), so this file only knows shapes.
 */

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

export type LiteralNode = { kind: 'str'; value: string; pos: number } | { kind: 'num'; value: number; pos: number };

export type ExprNode =
  | LiteralNode
  | { kind: 'field'; name: string; pos: number }
  | { kind: 'list'; items: LiteralNode[]; pos: number }
  | { kind: 'compare'; op: CompareOp; left: ExprNode; right: ExprNode; pos: number }
  | { kind: 'in'; negated: boolean; left: ExprNode; right: ExprNode; pos: number }
  | { kind: 'contains'; left: ExprNode; right: ExprNode; pos: number }
  | { kind: 'between'; subject: ExprNode; low: ExprNode; high: ExprNode; pos: number }
  | { kind: 'and' | 'or'; args: ExprNode[]; pos: number }
  | { kind: 'not'; arg: ExprNode; pos: number }
  | { kind: 'call'; name: CallName; args: ExprNode[]; pos: number };

export type CallName = 'any' | 'all' | 'has';
const CALLS: ReadonlySet<string> = new Set<CallName>(['any', 'all', 'has']);
const COMPARE_OPS: ReadonlySet<Punct> = new Set<Punct>(['=', '!=', '<', '<=', '>', '>=']);
const OPERATOR_LIST = '=, !=, <, <=, >, >=, in, not in, contains, between';

/** Parses an expression into a tree, or throws a VALIDATION_FAILED MagpieError naming the column. */
export function parseExpression(source: string): ExprNode {
  if (typeof source !== 'string') throw expressionError(String(source), 0, 'an expression string', typeof source);
  if (source.length > MAX_EXPRESSION_LENGTH) {
    throw expressionError(source, MAX_EXPRESSION_LENGTH, `at most ${MAX_EXPRESSION_LENGTH} characters`, `${source.length}`);
  }
  return new Parser(source, tokenize(source)).parseAll();
}

class Parser {
  private at = 0;
  private depth = 0;

  constructor(
    private readonly source: string,
    private readonly tokens: Token[],
  ) {}

  parseAll(): ExprNode {
    const node = this.parseOr();
    const t = this.peek();
    if (t.type !== 'eof') throw this.fail(t, t.type === 'punct' && t.value === ')' ? '"and", "or" or the end of the expression (this ")" closes no "(")' : '"and", "or" or the end of the expression');
    return node;
  }

  private parseOr(): ExprNode {
    return this.parseChain('or', () => this.parseAnd());
  }

  private parseAnd(): ExprNode {
    return this.parseChain('and', () => this.parseNot());
  }

  /** a op b op c … as one n-ary node, so long chains do not nest (or recurse) deeply. */
  private parseChain(op: 'and' | 'or', next: () => ExprNode): ExprNode {
    const first = next();
    if (!this.isKeyword(this.peek(), op)) return first;
    const args = [first];
    while (this.isKeyword(this.peek(), op)) {
      this.at++;
      args.push(next());
    }
    return { kind: op, args, pos: first.pos };
  }

  private parseNot(): ExprNode {
    const t = this.peek();
    if (this.isKeyword(t, 'not')) {
      this.at++;
      this.enter(t);
      const arg = this.parseNot();
      this.depth--;
      return { kind: 'not', arg, pos: t.pos };
    }
    return this.parsePredicate();
  }

  private parsePredicate(): ExprNode {
    const left = this.parseOperand();
    const t = this.peek();
    if (t.type === 'punct' && COMPARE_OPS.has(t.value)) {
      this.at++;
      return { kind: 'compare', op: t.value as CompareOp, left, right: this.parseOperand(), pos: t.pos };
    }
    if (t.type !== 'ident') {
      if (t.type === 'eof' || (t.type === 'punct' && (t.value === ')' || t.value === ','))) return left;
      throw this.fail(t, `an operator (${OPERATOR_LIST}), "and", "or" or the end of the expression`);
    }
    const word = t.value.toLowerCase();
    if (word === 'and' || word === 'or') return left;
    this.at++;
    switch (word) {
      case 'in':
        return { kind: 'in', negated: false, left, right: this.parseOperand(), pos: t.pos };
      case 'not': {
        const inTok = this.next();
        if (!this.isKeyword(inTok, 'in')) throw this.fail(inTok, '"in" after "not"');
        return { kind: 'in', negated: true, left, right: this.parseOperand(), pos: t.pos };
      }
      case 'contains':
        return { kind: 'contains', left, right: this.parseOperand(), pos: t.pos };
      case 'between': {
        const low = this.parseOperand();
        const andTok = this.next();
        if (!this.isKeyword(andTok, 'and')) throw this.fail(andTok, '"and" between the two bounds of "between"');
        return { kind: 'between', subject: left, low, high: this.parseOperand(), pos: t.pos };
      }
      default:
        throw this.fail(t, `an operator (${OPERATOR_LIST}), "and", "or" or the end of the expression`);
    }
  }

  private parseOperand(): ExprNode {
    const t = this.next();
    switch (t.type) {
      case 'str':
        return { kind: 'str', value: t.value, pos: t.pos };
      case 'num':
        return { kind: 'num', value: t.value, pos: t.pos };
      case 'ident': {
        const after = this.peek();
        if (after.type === 'punct' && after.value === '(' && CALLS.has(t.value.toLowerCase())) return this.parseCall(t);
        if (isReserved(t.value)) throw this.fail(t, 'a field or a value');
        return { kind: 'field', name: t.value, pos: t.pos };
      }
      case 'punct':
        if (t.value === '(') {
          this.enter(t);
          const inner = this.parseOr();
          this.expectPunct(')', `")" to close the "(" at column ${t.pos + 1}`);
          this.depth--;
          return inner;
        }
        if (t.value === '[') return this.parseList(t);
        throw this.fail(t, 'a field, a value, "(" or "["');
      case 'eof':
        throw this.fail(t, 'a field, a value, "(" or "["');
    }
  }

  private parseCall(name: Token): ExprNode {
    this.at++; // the "(" seen by the caller
    this.enter(name);
    const args = [this.parseOperand()];
    while (this.peekPunct(',')) {
      this.at++;
      args.push(this.parseOperand());
    }
    this.expectPunct(')', `"," or ")" to close the call of ${String(name.value).toLowerCase()}()`);
    this.depth--;
    return { kind: 'call', name: String(name.value).toLowerCase() as CallName, args, pos: name.pos };
  }

  private parseList(open: Token): ExprNode {
    const items: LiteralNode[] = [];
    if (this.peekPunct(']')) {
      this.at++;
      return { kind: 'list', items, pos: open.pos };
    }
    for (;;) {
      const t = this.next();
      if (t.type === 'str') items.push({ kind: 'str', value: t.value, pos: t.pos });
      else if (t.type === 'num') items.push({ kind: 'num', value: t.value, pos: t.pos });
      else throw this.fail(t, 'a string or a number in the list');
      const sep = this.next();
      if (sep.type === 'punct' && sep.value === ']') return { kind: 'list', items, pos: open.pos };
      if (sep.type !== 'punct' || sep.value !== ',') throw this.fail(sep, `"," or "]" to close the list opened at column ${open.pos + 1}`);
    }
  }

  private enter(t: Token): void {
    if (++this.depth > MAX_EXPRESSION_DEPTH) throw this.fail(t, `at most ${MAX_EXPRESSION_DEPTH} levels of nesting`);
  }

  private peek(): Token {
    return this.tokens[this.at]!;
  }

  private next(): Token {
    const t = this.tokens[this.at]!;
    // The eof token is never consumed, so every later peek still sees it.
    if (t.type !== 'eof') this.at++;
    return t;
  }

  private peekPunct(p: Punct): boolean {
    const t = this.peek();
    return t.type === 'punct' && t.value === p;
  }

  private expectPunct(p: Punct, expected: string): void {
    const t = this.next();
    if (t.type !== 'punct' || t.value !== p) throw this.fail(t, expected);
  }

  private isKeyword(t: Token, word: string): boolean {
    return t.type === 'ident' && t.value.toLowerCase() === word;
  }

  private fail(t: Token, expected: string): Error {
    return expressionError(this.source, t.pos, expected, describeToken(t));
  }
}

const RESERVED: ReadonlySet<string> = new Set(['and', 'or', 'not', 'in', 'contains', 'between']);
function isReserved(name: string): boolean {
  return RESERVED.has(name.toLowerCase());
}
