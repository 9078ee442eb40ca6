// The presentation-context policy: which proposed contexts an association accepts, and in which transfer
// syntax. One pure function, so the conformance statement and the tests can read it.
import { sopClassName } from '../dicom/sopClasses';
import { transferSyntaxName } from '../dicom/transferSyntaxes';

/** A-ASSOCIATE-AC presentation-context result/reason (PS3.8 9.3.3.2, Table 9-18). */
export const ContextResult = {
  Acceptance: 0,
  UserRejection: 1,
  NoReason: 2,
  AbstractSyntaxNotSupported: 3,
  TransferSyntaxesNotSupported: 4,
} as const;
export type ContextResultCode = (typeof ContextResult)[keyof typeof ContextResult];

const RESULT_TEXT: Record<number, string> = {
  0: 'acceptance',
  1: 'user-rejection',
  2: 'no-reason (provider rejection)',
  3: 'abstract-syntax-not-supported (provider rejection)',
  4: 'transfer-syntaxes-not-supported (provider rejection)',
};

export function contextResultText(result: number): string {
  return RESULT_TEXT[result] ?? `unknown result ${result}`;
}

/** An SCP/SCU Role Selection item (PS3.7 D.3.3.4): the roles the association-requestor may play. */
export interface RoleSelection {
  scu: boolean;
  scp: boolean;
}

export interface ProposedContext {
  id: number;
  abstractSyntax: string;
  transferSyntaxes: readonly string[];
  /** the requestor's Role Selection item for this abstract syntax, when it sent one */
  roles?: RoleSelection;
}

export interface ContextDecision extends ProposedContext {
  result: ContextResultCode;
  /** the one syntax accepted (result 0) */
  acceptedTransferSyntax?: string;
  /** our answer to the Role Selection item (accepted contexts that proposed one) */
  acceptedRoles?: RoleSelection;
  /** why, in words for the network log */
  reason: string;
}

export interface NegotiationOptions {
  /**
   * SOP classes for which the requestor may act as SCP (the storage SOP classes of C-GET sub-operations,
   * PS3.4 C.4.3.3); for any other, a proposed SCP role is answered 0.
   */
  requestorScpRole?: ReadonlySet<string>;
}

/**
 * Answers a Role Selection item (PS3.7 D.3.3.4): a role the requestor did not propose stays 0; the SCU role is
 * granted (we serve the SOP class as SCP), the SCP role only where we may act as SCU ourselves (C-GET storage).
 */
export function answerRoles(abstractSyntax: string, proposed: RoleSelection, opts: NegotiationOptions = {}): RoleSelection {
  return { scu: proposed.scu, scp: proposed.scp && (opts.requestorScpRole?.has(abstractSyntax) ?? false) };
}

/**
 * Decides every proposed presentation context.
 *
 * - An abstract syntax the called AE does not serve: result 3, abstract-syntax-not-supported.
 * - Otherwise the FIRST proposed transfer syntax the service supports is accepted; none: result 4,
 *   transfer-syntaxes-not-supported (PS3.8 9.3.3.2).
 *
 * Why the first: PS3.8 (7.1.1.13, 9.3.2.2.1) lets the acceptor pick any one of the proposed transfer syntaxes
 * and sets no order of preference. The archive stores what it receives byte for byte, so the best syntax is
 * the one the sender holds the data in, which is what requestors list first (DCMTK's storescu proposes the
 * file's own syntax first in the context it builds for it). Taking the requestor's first choice never
 * makes it transcode, and never turns lossless data lossy on our account.
 */
export function negotiateContexts(
  proposed: readonly ProposedContext[],
  supported: ReadonlyMap<string, ReadonlySet<string>>,
  opts: NegotiationOptions = {},
): ContextDecision[] {
  return proposed.map((pc) => {
    const syntaxes = supported.get(pc.abstractSyntax);
    if (!syntaxes) {
      return {
        ...pc,
        result: ContextResult.AbstractSyntaxNotSupported,
        reason: `${sopClassName(pc.abstractSyntax)} is not served by this AE`,
      };
    }
    const accepted = pc.transferSyntaxes.find((ts) => syntaxes.has(ts));
    if (!accepted) {
      return {
        ...pc,
        result: ContextResult.TransferSyntaxesNotSupported,
        reason: `none of the proposed transfer syntaxes (${pc.transferSyntaxes.map(transferSyntaxName).join(', ') || 'none'}) is supported`,
      };
    }
    const acceptedRoles = pc.roles ? answerRoles(pc.abstractSyntax, pc.roles, opts) : undefined;
    const roleWords = acceptedRoles ? `; role selection SCU ${acceptedRoles.scu ? 1 : 0}, SCP ${acceptedRoles.scp ? 1 : 0}${pc.roles!.scp && !acceptedRoles.scp ? ' (SCP role refused)' : ''}` : '';
    return {
      ...pc,
      result: ContextResult.Acceptance,
      acceptedTransferSyntax: accepted,
      acceptedRoles,
      reason: `accepted in ${transferSyntaxName(accepted)} (first proposed syntax we support)${roleWords}`,
    };
  });
}
