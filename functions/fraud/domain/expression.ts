/**
 * The rule condition language (RISK-4: rules are data): a small, safe expression language over the
 * features of ./features.ts. Source text is tokenised, parsed into a typed AST and evaluated by a
 * tree walk — never `eval`, `new Function` or any JavaScript property access.
 *
 * Grammar (keywords are lower case):
 *
 *     expr       := or
 *     or         := and ( "or" and )*
 *     and        := unary ( "and" unary )*
 *     unary      := "not" unary | comparison
 *     comparison := operand ( ( "==" | "!=" | "<" | "<=" | ">" | ">=" ) operand
 *                           | "not"? "in" "[" literal ( "," literal )* "]" )?
 *     operand    := literal | feature | "(" expr ")"
 *     literal    := number | string | "true" | "false"
 *     number     := "-"? digits ( "_" digits )* ( "." digits )?      e.g. 200_000, 3.5, -20
 *     string     := '…' | "…"   (escapes \\ \' \" only; no control characters)
 *     feature    := a name from the feature catalogue, e.g. amount, velocityDevice1h
 *
 * Typing: `and`/`or`/`not` take booleans; `<`, `<=`, `>`, `>=` take numbers; `==`/`!=` take two
 * values of the same type; `in` takes a list of literals of the operand's type; the whole condition
 * is a boolean. Anything else is refused when the rule is saved, with the position of the problem:
 * unknown names (including `constructor`, `__proto__`, `process`), property access (`a.b`), calls
 * (`f()`), indexing (`a[0]`), assignment (`=`), arithmetic, other characters.
 *
 * Bounds: at most {@link EXPRESSION_LIMITS} characters, tokens, nesting depth, list items and
 * string length, so evaluation time and memory are small and predictable.
 *
 * Error messages give a position and a fixed description; they never echo the source text.
 */
import { FEATURE_CATALOG, isFeatureName, type FeatureType, type FeatureValue, type RiskFeatures } from './features.ts';

/** Size bounds of an expression. */
export const EXPRESSION_LIMITS = Object.freeze({
  maxLength: 2000,
  maxTokens: 400,
  maxDepth: 24,
  maxListItems: 100,
  maxStringLength: 200,
  maxIdentifierLength: 64,
  /** Largest absolute number literal (numbers are minor units, counts or scores). */
  maxAbsNumber: 1e15,
});

/** A condition that cannot be compiled. `position` is the 0-based character offset. */
export class ExpressionError extends Error {
  override readonly name = 'ExpressionError';
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} (at character ${position + 1})`);
  }
}

/** A compiled condition that could not be evaluated (a feature missing or of the wrong type). */
export class EvaluationError extends Error {
  override readonly name = 'EvaluationError';
}

type ComparisonOperator = '==' | '!=' | '<' | '<=' | '>' | '>=';

type Token =
  | { readonly kind: 'number'; readonly value: number; readonly pos: number }
  | { readonly kind: 'string'; readonly value: string; readonly pos: number }
  | { readonly kind: 'word'; readonly value: string; readonly pos: number }
  | { readonly kind: 'op'; readonly value: ComparisonOperator; readonly pos: number }
  | { readonly kind: 'punct'; readonly value: '(' | ')' | '[' | ']' | ',' | '-'; readonly pos: number }
  | { readonly kind: 'end'; readonly pos: number };

/** A node of the AST. Every node has a static type. */
export type Expr =
  | { readonly kind: 'literal'; readonly type: FeatureType; readonly value: FeatureValue }
  | { readonly kind: 'feature'; readonly type: FeatureType; readonly name: string }
  | { readonly kind: 'not'; readonly type: 'boolean'; readonly operand: Expr }
  | { readonly kind: 'and' | 'or'; readonly type: 'boolean'; readonly operands: readonly Expr[] }
  | { readonly kind: 'compare'; readonly type: 'boolean'; readonly op: ComparisonOperator; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'in'; readonly type: 'boolean'; readonly operand: Expr; readonly values: readonly FeatureValue[]; readonly negated: boolean };

/** A compiled condition. */
export interface CompiledExpression {
  readonly source: string;
  readonly root: Expr;
  /** The features it reads, sorted. */
  readonly features: readonly string[];
}

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'true', 'false']);
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const isLetter = (c: string | undefined) => c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
const isWordChar = (c: string | undefined) => isLetter(c) || isDigit(c) || c === '_';

/** Splits a condition into tokens. Throws {@link ExpressionError}. */
export function tokenize(source: string): Token[] {
  if (typeof source !== 'string') throw new ExpressionError('The condition must be text', 0);
  if (source.length > EXPRESSION_LIMITS.maxLength) throw new ExpressionError(`The condition is longer than ${EXPRESSION_LIMITS.maxLength} characters`, EXPRESSION_LIMITS.maxLength);
  const tokens: Token[] = [];
  const push = (token: Token) => {
    tokens.push(token);
    if (tokens.length > EXPRESSION_LIMITS.maxTokens) throw new ExpressionError(`The condition has more than ${EXPRESSION_LIMITS.maxTokens} tokens`, token.pos);
  };
  let i = 0;
  while (i < source.length) {
    const c = source[i] as string;
    const pos = i;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (isDigit(c)) {
      let text = '';
      while (isDigit(source[i]) || (source[i] === '_' && isDigit(source[i - 1]) && isDigit(source[i + 1]))) {
        if (source[i] !== '_') text += source[i];
        i++;
      }
      if (source[i] === '.' && isDigit(source[i + 1])) {
        text += '.';
        i++;
        while (isDigit(source[i])) text += source[i++];
      }
      if (isWordChar(source[i]) || source[i] === '.') throw new ExpressionError('Malformed number', pos);
      const value = Number(text);
      if (!Number.isFinite(value) || Math.abs(value) > EXPRESSION_LIMITS.maxAbsNumber) throw new ExpressionError('Number out of range', pos);
      push({ kind: 'number', value, pos });
    } else if (isLetter(c)) {
      while (isWordChar(source[i])) i++;
      const word = source.slice(pos, i);
      if (word.length > EXPRESSION_LIMITS.maxIdentifierLength) throw new ExpressionError('Name too long', pos);
      push({ kind: 'word', value: word, pos });
    } else if (c === "'" || c === '"') {
      i++;
      let value = '';
      for (;;) {
        const ch = source[i];
        if (ch === undefined) throw new ExpressionError('Unterminated string', pos);
        if (ch === c) {
          i++;
          break;
        }
        const code = ch.charCodeAt(0);
        if (code < 0x20 || code === 0x7f) throw new ExpressionError('Control character in string', i);
        if (ch === '\\') {
          const next = source[i + 1];
          if (next !== '\\' && next !== "'" && next !== '"') throw new ExpressionError('Unsupported escape in string (only \\\\, \\\' and \\" are allowed)', i);
          value += next;
          i += 2;
        } else {
          value += ch;
          i++;
        }
        if (value.length > EXPRESSION_LIMITS.maxStringLength) throw new ExpressionError(`String longer than ${EXPRESSION_LIMITS.maxStringLength} characters`, pos);
      }
      push({ kind: 'string', value, pos });
    } else if (c === '=' || c === '!') {
      if (source[i + 1] !== '=') throw new ExpressionError(c === '=' ? 'Assignment is not allowed; compare with ==' : 'Use the keyword not', pos);
      push({ kind: 'op', value: c === '=' ? '==' : '!=', pos });
      i += 2;
    } else if (c === '<' || c === '>') {
      const withEquals = source[i + 1] === '=';
      push({ kind: 'op', value: (withEquals ? `${c}=` : c) as ComparisonOperator, pos });
      i += withEquals ? 2 : 1;
    } else if (c === '(' || c === ')' || c === '[' || c === ']' || c === ',' || c === '-') {
      push({ kind: 'punct', value: c, pos });
      i++;
    } else if (c === '.') {
      throw new ExpressionError('Property access is not allowed', pos);
    } else {
      throw new ExpressionError('Unexpected character', pos);
    }
  }
  tokens.push({ kind: 'end', pos: source.length });
  return tokens;
}

const describeType = (type: FeatureType) => (type === 'number' ? 'a number' : type === 'string' ? 'a string' : 'a boolean');

class Parser {
  private index = 0;
  private readonly used = new Set<string>();

  constructor(private readonly tokens: readonly Token[]) {}

  parse(): CompiledExpression['root'] {
    const root = this.expression(0);
    const next = this.peek();
    if (next.kind !== 'end') throw new ExpressionError(this.unexpected(next), next.pos);
    return root;
  }

  features(): string[] {
    return [...this.used].sort();
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.index++;
    return token;
  }

  private isWord(token: Token, word: string): boolean {
    return token.kind === 'word' && token.value === word;
  }

  private isPunct(token: Token, value: string): boolean {
    return token.kind === 'punct' && token.value === value;
  }

  private unexpected(token: Token): string {
    if (token.kind === 'end') return 'Unexpected end of condition';
    if (token.kind === 'punct' && token.value === '(') return 'Unexpected "(": calls are not allowed';
    if (token.kind === 'punct' && token.value === '[') return 'Unexpected "[": indexing is not allowed';
    return 'Unexpected token';
  }

  private enter(depth: number, pos: number): number {
    if (depth + 1 > EXPRESSION_LIMITS.maxDepth) throw new ExpressionError(`Nested deeper than ${EXPRESSION_LIMITS.maxDepth} levels`, pos);
    return depth + 1;
  }

  private requireBoolean(expr: Expr, pos: number, what: string): void {
    if (expr.type !== 'boolean') throw new ExpressionError(`${what} needs a boolean, got ${describeType(expr.type)}`, pos);
  }

  private expression(depth: number): Expr {
    return this.or(depth);
  }

  private or(depth: number): Expr {
    const startPos = this.peek().pos;
    const first = this.and(depth);
    if (!this.isWord(this.peek(), 'or')) return first;
    this.requireBoolean(first, startPos, '"or"');
    const operands = [first];
    while (this.isWord(this.peek(), 'or')) {
      this.next();
      const pos = this.peek().pos;
      const operand = this.and(depth);
      this.requireBoolean(operand, pos, '"or"');
      operands.push(operand);
    }
    return { kind: 'or', type: 'boolean', operands };
  }

  private and(depth: number): Expr {
    const startPos = this.peek().pos;
    const first = this.unary(depth);
    if (!this.isWord(this.peek(), 'and')) return first;
    this.requireBoolean(first, startPos, '"and"');
    const operands = [first];
    while (this.isWord(this.peek(), 'and')) {
      this.next();
      const pos = this.peek().pos;
      const operand = this.unary(depth);
      this.requireBoolean(operand, pos, '"and"');
      operands.push(operand);
    }
    return { kind: 'and', type: 'boolean', operands };
  }

  private unary(depth: number): Expr {
    const token = this.peek();
    if (this.isWord(token, 'not')) {
      this.next();
      const inner = this.enter(depth, token.pos);
      const pos = this.peek().pos;
      const operand = this.unary(inner);
      this.requireBoolean(operand, pos, '"not"');
      return { kind: 'not', type: 'boolean', operand };
    }
    return this.comparison(depth);
  }

  private comparison(depth: number): Expr {
    const leftPos = this.peek().pos;
    const left = this.operand(depth);
    const token = this.peek();
    if (token.kind === 'op') {
      this.next();
      const rightPos = this.peek().pos;
      const right = this.operand(depth);
      if (token.value === '==' || token.value === '!=') {
        if (left.type !== right.type) throw new ExpressionError(`"${token.value}" compares ${describeType(left.type)} with ${describeType(right.type)}`, rightPos);
      } else {
        if (left.type !== 'number') throw new ExpressionError(`"${token.value}" needs numbers, got ${describeType(left.type)}`, leftPos);
        if (right.type !== 'number') throw new ExpressionError(`"${token.value}" needs numbers, got ${describeType(right.type)}`, rightPos);
      }
      return { kind: 'compare', type: 'boolean', op: token.value, left, right };
    }
    const negated = this.isWord(token, 'not') && this.isWord(this.peek(1), 'in');
    if (negated || this.isWord(token, 'in')) {
      if (negated) this.next();
      this.next();
      const values = this.list(left.type);
      return { kind: 'in', type: 'boolean', operand: left, values, negated };
    }
    return left;
  }

  private list(type: FeatureType): FeatureValue[] {
    const open = this.next();
    if (!this.isPunct(open, '[')) throw new ExpressionError('"in" needs a list like [1, 2]', open.pos);
    const values: FeatureValue[] = [];
    for (;;) {
      const pos = this.peek().pos;
      const literal = this.literal();
      if (!literal) throw new ExpressionError('Lists hold literals only', pos);
      if (literal.type !== type) throw new ExpressionError(`List item is ${describeType(literal.type)}, expected ${describeType(type)}`, pos);
      values.push(literal.value);
      if (values.length > EXPRESSION_LIMITS.maxListItems) throw new ExpressionError(`Lists hold at most ${EXPRESSION_LIMITS.maxListItems} items`, pos);
      const sep = this.next();
      if (this.isPunct(sep, ']')) return values;
      if (!this.isPunct(sep, ',')) throw new ExpressionError('Expected "," or "]"', sep.pos);
    }
  }

  private literal(): Extract<Expr, { kind: 'literal' }> | undefined {
    const token = this.peek();
    if (token.kind === 'number') {
      this.next();
      return { kind: 'literal', type: 'number', value: token.value };
    }
    if (this.isPunct(token, '-') && this.peek(1).kind === 'number') {
      this.next();
      const number = this.next() as Extract<Token, { kind: 'number' }>;
      return { kind: 'literal', type: 'number', value: -number.value };
    }
    if (token.kind === 'string') {
      this.next();
      return { kind: 'literal', type: 'string', value: token.value };
    }
    if (token.kind === 'word' && (token.value === 'true' || token.value === 'false')) {
      this.next();
      return { kind: 'literal', type: 'boolean', value: token.value === 'true' };
    }
    return undefined;
  }

  private operand(depth: number): Expr {
    const literal = this.literal();
    if (literal) return literal;
    const token = this.peek();
    if (this.isPunct(token, '(')) {
      this.next();
      const inner = this.expression(this.enter(depth, token.pos));
      const close = this.next();
      if (!this.isPunct(close, ')')) throw new ExpressionError('Expected ")"', close.pos);
      return inner;
    }
    if (token.kind === 'word' && !KEYWORDS.has(token.value)) {
      this.next();
      if (!isFeatureName(token.value)) throw new ExpressionError('Unknown feature name', token.pos);
      const after = this.peek();
      if (this.isPunct(after, '(')) throw new ExpressionError('Calls are not allowed', after.pos);
      if (this.isPunct(after, '[')) throw new ExpressionError('Indexing is not allowed', after.pos);
      this.used.add(token.value);
      const spec = FEATURE_CATALOG[token.value] as { type: FeatureType };
      return { kind: 'feature', type: spec.type, name: token.value };
    }
    if (this.isPunct(token, '-')) throw new ExpressionError('Arithmetic is not allowed', token.pos);
    throw new ExpressionError(this.unexpected(token), token.pos);
  }
}

/** Compiles a condition: tokenise, parse, type-check. Throws {@link ExpressionError}. */
export function compileExpression(source: string): CompiledExpression {
  const tokens = tokenize(source);
  if (tokens.length === 1) throw new ExpressionError('The condition is empty', 0);
  const parser = new Parser(tokens);
  const root = parser.parse();
  if (root.type !== 'boolean') throw new ExpressionError(`The condition must be true or false, not ${describeType(root.type)}`, 0);
  return Object.freeze({ source, root, features: parser.features() });
}

/** The problem with a condition, or `undefined` when it compiles. */
export function checkExpression(source: string): ExpressionError | undefined {
  try {
    compileExpression(source);
    return undefined;
  } catch (error) {
    if (error instanceof ExpressionError) return error;
    throw error;
  }
}

function valueOf(expr: Expr, features: RiskFeatures): FeatureValue {
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'feature': {
      if (!Object.prototype.hasOwnProperty.call(features, expr.name)) throw new EvaluationError(`feature ${expr.name} is missing`);
      const value = features[expr.name];
      if (typeof value !== expr.type) throw new EvaluationError(`feature ${expr.name} is not ${describeType(expr.type)}`);
      return value as FeatureValue;
    }
    default:
      return evaluateNode(expr, features);
  }
}

function evaluateNode(expr: Expr, features: RiskFeatures): boolean {
  switch (expr.kind) {
    case 'literal':
    case 'feature':
      return valueOf(expr, features) === true;
    case 'not':
      return !evaluateNode(expr.operand, features);
    case 'and':
      return expr.operands.every((operand) => evaluateNode(operand, features));
    case 'or':
      return expr.operands.some((operand) => evaluateNode(operand, features));
    case 'in': {
      const value = valueOf(expr.operand, features);
      return expr.values.includes(value) !== expr.negated;
    }
    case 'compare': {
      const left = valueOf(expr.left, features);
      const right = valueOf(expr.right, features);
      switch (expr.op) {
        case '==':
          return left === right;
        case '!=':
          return left !== right;
        case '<':
          return (left as number) < (right as number);
        case '<=':
          return (left as number) <= (right as number);
        case '>':
          return (left as number) > (right as number);
        case '>=':
          return (left as number) >= (right as number);
      }
    }
  }
}

/** Evaluates a compiled condition over features. Throws {@link EvaluationError} for a missing or mistyped feature. */
export function evaluateExpression(compiled: CompiledExpression, features: RiskFeatures): boolean {
  return evaluateNode(compiled.root, features);
}
