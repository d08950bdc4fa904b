// Generated from grammar/parser.ts by `npm run grammar:cst` (grammar/cst-types.ts): do not edit.
// The CST of every rule, children by name; a child the rule may skip is optional.

import type { CstNode, ICstVisitor, IToken } from "chevrotain";

export interface FileCstNode extends CstNode {
  name: "file";
  children: FileCstChildren;
}

export type FileCstChildren = {
  schemaHeader?: SchemaHeaderCstNode[];
  policyHeader?: PolicyHeaderCstNode[];
  fhirHeader?: FhirHeaderCstNode[];
  topLevel?: TopLevelCstNode[];
};

export interface TopLevelCstNode extends CstNode {
  name: "topLevel";
  children: TopLevelCstChildren;
}

export type TopLevelCstChildren = {
  useDecl?: UseDeclCstNode[];
  declaration?: DeclarationCstNode[];
  criterion?: CriterionCstNode[];
};

export interface SchemaHeaderCstNode extends CstNode {
  name: "schemaHeader";
  children: SchemaHeaderCstChildren;
}

export type SchemaHeaderCstChildren = {
  Schema: IToken[];
  Identifier: IToken[];
  StringLiteral?: IToken[];
};

export interface FhirHeaderCstNode extends CstNode {
  name: "fhirHeader";
  children: FhirHeaderCstChildren;
}

export type FhirHeaderCstChildren = {
  Fhir: IToken[];
  Identifier: IToken[];
  StringLiteral?: IToken[];
  Extends?: IToken[];
  base?: IToken[];
};

export interface PolicyHeaderCstNode extends CstNode {
  name: "policyHeader";
  children: PolicyHeaderCstChildren;
}

export type PolicyHeaderCstChildren = {
  Policy: IToken[];
  Identifier: (IToken)[];
  Dot?: IToken[];
  headerField?: HeaderFieldCstNode[];
};

export interface HeaderFieldCstNode extends CstNode {
  name: "headerField";
  children: HeaderFieldCstChildren;
}

export type HeaderFieldCstChildren = {
  Identifier: IToken[];
  StringLiteral?: IToken[];
  DateLiteral?: IToken[];
  word?: IToken[];
};

export interface UseDeclCstNode extends CstNode {
  name: "useDecl";
  children: UseDeclCstChildren;
}

export type UseDeclCstChildren = {
  Use: IToken[];
  StringLiteral: IToken[];
};

export interface DeclarationCstNode extends CstNode {
  name: "declaration";
  children: DeclarationCstChildren;
}

export type DeclarationCstChildren = {
  enumDecl?: EnumDeclCstNode[];
  recordDecl?: RecordDeclCstNode[];
  caseDecl?: CaseDeclCstNode[];
  itemDecl?: ItemDeclCstNode[];
  codeSetDecl?: CodeSetDeclCstNode[];
  tableDecl?: TableDeclCstNode[];
  letDecl?: LetDeclCstNode[];
  ruleDecl?: RuleDeclCstNode[];
  extendDecl?: ExtendDeclCstNode[];
  readDecl?: ReadDeclCstNode[];
};

export interface ReadDeclCstNode extends CstNode {
  name: "readDecl";
  children: ReadDeclCstChildren;
}

export type ReadDeclCstChildren = {
  Read: IToken[];
  target?: (IToken)[];
  From: IToken[];
  resource: IToken[];
  element?: IToken[];
  Where?: IToken[];
  filter?: IToken[];
  LBrace: IToken[];
  readField?: ReadFieldCstNode[];
  RBrace: IToken[];
};

export interface ReadFieldCstNode extends CstNode {
  name: "readField";
  children: ReadFieldCstChildren;
}

export type ReadFieldCstChildren = {
  field: IToken[];
  Colon?: IToken[];
  path?: IToken[];
  In?: IToken[];
  systems?: (IToken)[];
  Comma?: IToken[];
  LBrace?: IToken[];
  readMapEntry?: ReadMapEntryCstNode[];
  RBrace?: IToken[];
  Equals?: IToken[];
  constant?: (IToken)[];
};

export interface ReadMapEntryCstNode extends CstNode {
  name: "readMapEntry";
  children: ReadMapEntryCstChildren;
}

export type ReadMapEntryCstChildren = {
  member: IToken[];
  Equals: IToken[];
  system?: IToken[];
  code: IToken[];
  Comma?: IToken[];
};

export interface ExtendDeclCstNode extends CstNode {
  name: "extendDecl";
  children: ExtendDeclCstChildren;
}

export type ExtendDeclCstChildren = {
  Extend: IToken[];
  readDecl?: ReadDeclCstNode[];
  Case?: IToken[];
  fieldBlock?: (FieldBlockCstNode)[];
  Item?: IToken[];
  Record?: IToken[];
  name?: (IToken)[];
  Enum?: IToken[];
  LBrace?: IToken[];
  members?: (IToken)[];
  Comma?: IToken[];
  RBrace?: IToken[];
};

export interface EnumDeclCstNode extends CstNode {
  name: "enumDecl";
  children: EnumDeclCstChildren;
}

export type EnumDeclCstChildren = {
  Enum: IToken[];
  name: IToken[];
  StringLiteral?: IToken[];
  ordered?: IToken[];
  LBrace: IToken[];
  members: (IToken)[];
  Comma?: IToken[];
  RBrace: IToken[];
};

export interface RecordDeclCstNode extends CstNode {
  name: "recordDecl";
  children: RecordDeclCstChildren;
}

export type RecordDeclCstChildren = {
  Record: IToken[];
  Identifier: IToken[];
  StringLiteral?: IToken[];
  datedBy?: DatedByCstNode[];
  fieldBlock: FieldBlockCstNode[];
};

export interface DatedByCstNode extends CstNode {
  name: "datedBy";
  children: DatedByCstChildren;
}

export type DatedByCstChildren = {
  Dated: IToken[];
  By: IToken[];
  start: IToken[];
  To?: IToken[];
  end?: IToken[];
};

export interface CaseDeclCstNode extends CstNode {
  name: "caseDecl";
  children: CaseDeclCstChildren;
}

export type CaseDeclCstChildren = {
  Case: IToken[];
  fieldBlock: FieldBlockCstNode[];
};

export interface ItemDeclCstNode extends CstNode {
  name: "itemDecl";
  children: ItemDeclCstChildren;
}

export type ItemDeclCstChildren = {
  Item: IToken[];
  fieldBlock: FieldBlockCstNode[];
};

export interface FieldBlockCstNode extends CstNode {
  name: "fieldBlock";
  children: FieldBlockCstChildren;
}

export type FieldBlockCstChildren = {
  LBrace: IToken[];
  field?: FieldCstNode[];
  RBrace: IToken[];
};

export interface FieldCstNode extends CstNode {
  name: "field";
  children: FieldCstChildren;
}

export type FieldCstChildren = {
  Identifier: IToken[];
  Colon: IToken[];
  typeRef: TypeRefCstNode[];
  label?: IToken[];
  Equals?: IToken[];
  expression?: ExpressionCstNode[];
  trailingLabel?: IToken[];
};

export interface TypeRefCstNode extends CstNode {
  name: "typeRef";
  children: TypeRefCstChildren;
}

export type TypeRefCstChildren = {
  List?: IToken[];
  Of?: IToken[];
  Identifier?: (IToken)[];
  Percent?: IToken[];
};

export interface CodeSetDeclCstNode extends CstNode {
  name: "codeSetDecl";
  children: CodeSetDeclCstChildren;
}

export type CodeSetDeclCstChildren = {
  Codes: IToken[];
  Identifier: IToken[];
  StringLiteral?: IToken[];
  Equals: IToken[];
  CodeListOpen: IToken[];
  Comma?: (IToken)[];
  CodeEntry?: IToken[];
  CodeListClose: IToken[];
};

export interface TableDeclCstNode extends CstNode {
  name: "tableDecl";
  children: TableDeclCstChildren;
}

export type TableDeclCstChildren = {
  Table: IToken[];
  name: IToken[];
  StringLiteral?: IToken[];
  By: IToken[];
  key: IToken[];
  LBrace: IToken[];
  tableEntry?: TableEntryCstNode[];
  RBrace: IToken[];
};

export interface TableEntryCstNode extends CstNode {
  name: "tableEntry";
  children: TableEntryCstChildren;
}

export type TableEntryCstChildren = {
  member: IToken[];
  value?: (IToken)[];
  Comma?: IToken[];
};

export interface LetDeclCstNode extends CstNode {
  name: "letDecl";
  children: LetDeclCstChildren;
}

export type LetDeclCstChildren = {
  Let: IToken[];
  Identifier: IToken[];
  StringLiteral?: IToken[];
  Equals: IToken[];
  expression: ExpressionCstNode[];
};

export interface RuleDeclCstNode extends CstNode {
  name: "ruleDecl";
  children: RuleDeclCstChildren;
}

export type RuleDeclCstChildren = {
  Rule: IToken[];
  name: IToken[];
  StringLiteral: IToken[];
  Citation?: IToken[];
  For: IToken[];
  codes: (IToken)[];
  Comma?: IToken[];
  When?: IToken[];
  expression?: ExpressionCstNode[];
  criterion?: CriterionCstNode[];
};

export interface CriterionCstNode extends CstNode {
  name: "criterion";
  children: CriterionCstChildren;
}

export type CriterionCstChildren = {
  effect?: (IToken)[];
  criterionHead?: (CriterionHeadCstNode)[];
  expression?: (ExpressionCstNode)[];
  When?: (IToken)[];
  For?: IToken[];
  waived?: (IToken)[];
  Comma?: IToken[];
};

export interface CriterionHeadCstNode extends CstNode {
  name: "criterionHead";
  children: CriterionHeadCstChildren;
}

export type CriterionHeadCstChildren = {
  Identifier: IToken[];
  Citation?: IToken[];
  StringLiteral?: IToken[];
};

export interface ExpressionCstNode extends CstNode {
  name: "expression";
  children: ExpressionCstChildren;
}

export type ExpressionCstChildren = {
  orExpression: OrExpressionCstNode[];
};

export interface OrExpressionCstNode extends CstNode {
  name: "orExpression";
  children: OrExpressionCstChildren;
}

export type OrExpressionCstChildren = {
  andExpression: (AndExpressionCstNode)[];
  operator?: IToken[];
};

export interface AndExpressionCstNode extends CstNode {
  name: "andExpression";
  children: AndExpressionCstChildren;
}

export type AndExpressionCstChildren = {
  notExpression: (NotExpressionCstNode)[];
  operator?: IToken[];
};

export interface NotExpressionCstNode extends CstNode {
  name: "notExpression";
  children: NotExpressionCstChildren;
}

export type NotExpressionCstChildren = {
  Not?: IToken[];
  notExpression?: NotExpressionCstNode[];
  comparison?: ComparisonCstNode[];
};

export interface ComparisonCstNode extends CstNode {
  name: "comparison";
  children: ComparisonCstChildren;
}

export type ComparisonCstChildren = {
  asPercent: (AsPercentCstNode)[];
  operator?: (IToken)[];
  Not?: IToken[];
  In?: IToken[];
  memberSet?: MemberSetCstNode[];
  target?: AccessCstNode[];
};

export interface MemberSetCstNode extends CstNode {
  name: "memberSet";
  children: MemberSetCstChildren;
}

export type MemberSetCstChildren = {
  LBrace: IToken[];
  members?: (IToken)[];
  Comma?: IToken[];
  RBrace: IToken[];
};

export interface AsPercentCstNode extends CstNode {
  name: "asPercent";
  children: AsPercentCstChildren;
}

export type AsPercentCstChildren = {
  additive: (AdditiveCstNode)[];
  As?: IToken[];
  Percent?: IToken[];
  Of?: IToken[];
};

export interface AdditiveCstNode extends CstNode {
  name: "additive";
  children: AdditiveCstChildren;
}

export type AdditiveCstChildren = {
  multiplicative: (MultiplicativeCstNode)[];
  operator?: (IToken)[];
};

export interface MultiplicativeCstNode extends CstNode {
  name: "multiplicative";
  children: MultiplicativeCstChildren;
}

export type MultiplicativeCstChildren = {
  unary: (UnaryCstNode)[];
  operator?: (IToken)[];
};

export interface UnaryCstNode extends CstNode {
  name: "unary";
  children: UnaryCstChildren;
}

export type UnaryCstChildren = {
  Minus?: IToken[];
  unary?: UnaryCstNode[];
  prefix?: PrefixCstNode[];
};

export interface PrefixCstNode extends CstNode {
  name: "prefix";
  children: PrefixCstChildren;
}

export type PrefixCstChildren = {
  listPrefix?: ListPrefixCstNode[];
  Documented?: IToken[];
  access?: AccessCstNode[];
  table?: IToken[];
  Of?: (IToken)[];
  key?: AccessCstNode[];
  Sum?: IToken[];
  Identifier?: IToken[];
  chain?: (ChainCstNode)[];
  Coverage?: IToken[];
  Time?: (IToken)[];
  Since?: IToken[];
  additive?: (AdditiveCstNode)[];
  Between?: IToken[];
  And?: IToken[];
};

export interface ListPrefixCstNode extends CstNode {
  name: "listPrefix";
  children: ListPrefixCstChildren;
}

export type ListPrefixCstChildren = {
  operator?: (IToken)[];
  Distinct?: IToken[];
  keys?: (IToken)[];
  Comma?: IToken[];
  Of?: (IToken)[];
  ordinal?: IToken[];
  element?: IToken[];
  In?: IToken[];
  chain: ChainCstNode[];
};

export interface ChainCstNode extends CstNode {
  name: "chain";
  children: ChainCstChildren;
}

export type ChainCstChildren = {
  access: AccessCstNode[];
  chainStep?: ChainStepCstNode[];
};

export interface ChainStepCstNode extends CstNode {
  name: "chainStep";
  children: ChainStepCstChildren;
}

export type ChainStepCstChildren = {
  Where?: IToken[];
  expression?: ExpressionCstNode[];
  Within?: IToken[];
  DurationLiteral?: IToken[];
  year?: (IToken)[];
  Year?: IToken[];
};

export interface AccessCstNode extends CstNode {
  name: "access";
  children: AccessCstChildren;
}

export type AccessCstChildren = {
  primary: PrimaryCstNode[];
  Dot?: IToken[];
  fields?: IToken[];
};

export interface PrimaryCstNode extends CstNode {
  name: "primary";
  children: PrimaryCstChildren;
}

export type PrimaryCstChildren = {
  True?: IToken[];
  False?: IToken[];
  NumberLiteral?: IToken[];
  PercentLiteral?: IToken[];
  DurationLiteral?: IToken[];
  DateLiteral?: IToken[];
  StringLiteral?: IToken[];
  Identifier?: IToken[];
  Item?: IToken[];
  LParen?: IToken[];
  expression?: ExpressionCstNode[];
  RParen?: IToken[];
  group?: GroupCstNode[];
};

export interface GroupCstNode extends CstNode {
  name: "group";
  children: GroupCstChildren;
}

export type GroupCstChildren = {
  operator?: (IToken)[];
  LParen: IToken[];
  expression: (ExpressionCstNode)[];
  Comma?: (IToken)[];
  RParen: IToken[];
};
