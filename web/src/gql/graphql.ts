/* eslint-disable */
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** Date (isoformat) */
  Date: { input: string; output: string; }
  /** Date with time (isoformat) */
  DateTime: { input: string; output: string; }
};

export type AcceptInvitationPayload = {
  __typename?: 'AcceptInvitationPayload';
  billingAccount?: Maybe<BillingAccount>;
  /** A new session when accepted signed out (R-MGR-1). */
  session?: Maybe<Session>;
  userErrors: Array<UserError>;
};

export type AccountPrompt = {
  __typename?: 'AccountPrompt';
  code: AccountPromptCode;
  /** Whose name differs, for UPDATE_CONTACT_NAME. */
  manager?: Maybe<BillingAccountManager>;
  message: Scalars['String']['output'];
};

export type AccountPromptCode =
  | 'CHOOSE_SUBSCRIPTION_CONTACT'
  | 'DEFAULT_CARD_EXPIRES_BEFORE_RENEWAL'
  | 'RENEWAL_CARD_EXPIRES_BEFORE_RENEWAL'
  | 'UPDATE_CONTACT_NAME';

export type ActivityConnection = {
  __typename?: 'ActivityConnection';
  edges: Array<ActivityEdge>;
  pageInfo: PageInfo;
};

export type ActivityEdge = {
  __typename?: 'ActivityEdge';
  cursor: Scalars['String']['output'];
  node: ActivityEntry;
};

export type ActivityEntry = Node & {
  __typename?: 'ActivityEntry';
  /** Machine-readable, e.g. "manager_removed". */
  action: Scalars['String']['output'];
  /** Who did it: a name, an email or "Billing team". */
  actor: Scalars['String']['output'];
  createdAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  summary: Scalars['String']['output'];
};

/** What an add-on pack adds: STORAGE (GB) or COMPUTE_MINUTES (CI/CD minutes). */
export type AddOnKind =
  | 'COMPUTE_MINUTES'
  | 'STORAGE';

export type Address = {
  __typename?: 'Address';
  city: Scalars['String']['output'];
  country: Scalars['String']['output'];
  line1: Scalars['String']['output'];
  line2?: Maybe<Scalars['String']['output']>;
  postalCode?: Maybe<Scalars['String']['output']>;
  region?: Maybe<Scalars['String']['output']>;
};

export type AddressInput = {
  city: Scalars['String']['input'];
  country: Scalars['String']['input'];
  line1: Scalars['String']['input'];
  line2?: InputMaybe<Scalars['String']['input']>;
  postalCode?: InputMaybe<Scalars['String']['input']>;
  region?: InputMaybe<Scalars['String']['input']>;
};

export type BillingAccount = Node & {
  __typename?: 'BillingAccount';
  /** Who changed what, and when; newest first. */
  activity: ActivityConnection;
  billingContact: BillingContact;
  company: CompanyDetails;
  defaultPaymentMethod?: Maybe<PaymentMethod>;
  id: Scalars['ID']['output'];
  invitations: Array<Invitation>;
  /** Newest first, paged, by status (R-BILL-1). */
  invoices: InvoiceConnection;
  managers: Array<BillingAccountManager>;
  owner: BillingAccountManager;
  paymentMethods: Array<PaymentMethod>;
  /** R-CON-3, R-CON-4 */
  prompts: Array<AccountPrompt>;
  /** Null when it must be chosen again (R-CON-4). */
  subscriptionContact?: Maybe<Contact>;
  subscriptions: Array<ProductSubscription>;
};


export type BillingAccountActivityArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type BillingAccountInvitationsArgs = {
  status?: InputMaybe<InvitationStatus>;
};


export type BillingAccountInvoicesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  status?: InputMaybe<InvoiceStatus>;
};

export type BillingAccountManager = Node & {
  __typename?: 'BillingAccountManager';
  addedAt: Scalars['DateTime']['output'];
  email: Scalars['String']['output'];
  firstName: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  isBillingContact: Scalars['Boolean']['output'];
  isOwner: Scalars['Boolean']['output'];
  isSubscriptionContact: Scalars['Boolean']['output'];
  lastName: Scalars['String']['output'];
  user: User;
};

export type BillingContact = {
  __typename?: 'BillingContact';
  contact: Contact;
  kind: BillingContactKind;
};

export type BillingContactKind =
  | 'BILLING_ACCOUNT_MANAGER'
  | 'CUSTOM'
  | 'SAME_AS_SUBSCRIPTION_CONTACT';

export type CardBrand =
  | 'AMEX'
  | 'DINERS'
  | 'DISCOVER'
  | 'JCB'
  | 'MASTERCARD'
  | 'UNIONPAY'
  | 'UNKNOWN'
  | 'VISA';

/** What can be bought: plans and add-ons. */
export type Catalog = {
  __typename?: 'Catalog';
  /** Sold per pack. */
  addOns: Array<CatalogAddOn>;
  /** Sold per seat per year. */
  plans: Array<CatalogPlan>;
};

/** A pack of extra storage or compute minutes (R-SUB-4). */
export type CatalogAddOn = Node & {
  __typename?: 'CatalogAddOn';
  active: Scalars['Boolean']['output'];
  /** Stable key chosen by the operator. */
  code: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  kind: AddOnKind;
  name: Scalars['String']['output'];
  /** GB (STORAGE) or minutes per pack. */
  packSize: Scalars['Int']['output'];
  /** The price of one pack in `currency`, if sold in it. */
  price?: Maybe<Money>;
  /** Per pack, one per currency. */
  prices: Array<Money>;
  updatedAt: Scalars['DateTime']['output'];
};


/** A pack of extra storage or compute minutes (R-SUB-4). */
export type CatalogAddOnPriceArgs = {
  currency: Scalars['String']['input'];
};

/** A plan sold per seat per year (R-SUB-4). */
export type CatalogPlan = Node & {
  __typename?: 'CatalogPlan';
  /** Only active plans can be bought. */
  active: Scalars['Boolean']['output'];
  /** Stable key chosen by the operator, e.g. "premium". */
  code: Scalars['String']['output'];
  description: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  /** The plan name subscriptions show, e.g. Premium. */
  name: Scalars['String']['output'];
  /** The per-seat yearly price in `currency`, if sold in it. */
  price?: Maybe<Money>;
  /** Per seat per year, one per currency. */
  prices: Array<Money>;
  updatedAt: Scalars['DateTime']['output'];
};


/** A plan sold per seat per year (R-SUB-4). */
export type CatalogPlanPriceArgs = {
  currency: Scalars['String']['input'];
};

export type CompanyDetails = {
  __typename?: 'CompanyDetails';
  address?: Maybe<Address>;
  country: Scalars['String']['output'];
  name: Scalars['String']['output'];
  taxId?: Maybe<Scalars['String']['output']>;
  /** What the next invoice will apply (R-TAX-2). */
  taxTreatment: TaxTreatment;
};

export type ConfirmEmailPayload = {
  __typename?: 'ConfirmEmailPayload';
  user?: Maybe<User>;
  userErrors: Array<UserError>;
};

export type Contact = {
  __typename?: 'Contact';
  address?: Maybe<Address>;
  email: Scalars['String']['output'];
  firstName: Scalars['String']['output'];
  lastName: Scalars['String']['output'];
  /** The manager this contact belongs to, if any. */
  manager?: Maybe<BillingAccountManager>;
  phone?: Maybe<Scalars['String']['output']>;
};

export type ContactInput = {
  address?: InputMaybe<AddressInput>;
  email: Scalars['String']['input'];
  firstName: Scalars['String']['input'];
  lastName: Scalars['String']['input'];
  phone?: InputMaybe<Scalars['String']['input']>;
};

export type DeletePaymentMethodPayload = {
  __typename?: 'DeletePaymentMethodPayload';
  deletedPaymentMethodId?: Maybe<Scalars['ID']['output']>;
  userErrors: Array<UserError>;
};

export type Deployment =
  | 'GITLAB_COM'
  | 'SELF_MANAGED';

export type ErrorCode =
  | 'ACCOUNT_ALREADY_LINKED'
  | 'ALREADY_INVITED'
  | 'ALREADY_MANAGER'
  | 'CANNOT_DELETE_DEFAULT_PAYMENT_METHOD'
  | 'CARD_DECLINED'
  | 'CARD_EXPIRED'
  | 'EMAIL_TAKEN'
  | 'EMAIL_UNCONFIRMED'
  | 'FORBIDDEN'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'INSUFFICIENT_FUNDS'
  | 'INVALID'
  | 'INVITATION_EMAIL_MISMATCH'
  | 'INVITATION_LIMIT_REACHED'
  | 'INVOICE_NOT_PAYABLE'
  | 'LAST_MANAGER'
  | 'MANAGED_BY_RESELLER'
  | 'NOT_A_MANAGER'
  | 'NOT_FOUND'
  | 'NOT_SOLD_IN_CURRENCY'
  | 'OWNER_CANNOT_BE_REMOVED'
  | 'PAYMENT_METHOD_IN_USE'
  | 'PAYMENT_METHOD_REQUIRED'
  | 'PROVIDER_UNAVAILABLE'
  | 'PURCHASE_AWAITING_PAYMENT'
  | 'RATE_LIMITED'
  | 'TAX_ID_INVALID'
  | 'TOKEN_EXPIRED'
  | 'TOKEN_USED'
  | 'UNAUTHENTICATED';

export type Invitation = Node & {
  __typename?: 'Invitation';
  /** Only for managers of the account; the invitee sees null. */
  billingAccount?: Maybe<BillingAccount>;
  /** The inviting account's company name, shown to the invitee. */
  companyName: Scalars['String']['output'];
  createdAt: Scalars['DateTime']['output'];
  /** "Awaiting user registration" while pending (R-INV-3). */
  displayName: Scalars['String']['output'];
  email: Scalars['String']['output'];
  expiresAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  invitedBy?: Maybe<BillingAccountManager>;
  status: InvitationStatus;
};

export type InvitationStatus =
  | 'ACCEPTED'
  | 'EXPIRED'
  | 'PENDING'
  | 'REVOKED';

export type InvitePayload = {
  __typename?: 'InvitePayload';
  invitation?: Maybe<Invitation>;
  userErrors: Array<UserError>;
};

export type Invoice = Node & {
  __typename?: 'Invoice';
  amountDue: Money;
  dueDate: Scalars['Date']['output'];
  id: Scalars['ID']['output'];
  issuedAt: Scalars['DateTime']['output'];
  lines: Array<InvoiceLine>;
  number: Scalars['String']['output'];
  payments: Array<Payment>;
  /** GET it with the same bearer token (R-BILL-2). */
  pdfUrl: Scalars['String']['output'];
  status: InvoiceStatus;
  subscription?: Maybe<ProductSubscription>;
  subtotal: Money;
  tax: Money;
  /** e.g. the reverse charge note */
  taxNote?: Maybe<Scalars['String']['output']>;
  /** e.g. "19.00" */
  taxRatePercent?: Maybe<Scalars['String']['output']>;
  taxTreatment: TaxTreatment;
  total: Money;
};

export type InvoiceConnection = {
  __typename?: 'InvoiceConnection';
  edges: Array<InvoiceEdge>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type InvoiceEdge = {
  __typename?: 'InvoiceEdge';
  cursor: Scalars['String']['output'];
  node: Invoice;
};

export type InvoiceLine = {
  __typename?: 'InvoiceLine';
  amount: Money;
  description: Scalars['String']['output'];
  quantity: Scalars['Int']['output'];
  unitPrice: Money;
};

export type InvoiceStatus =
  | 'OPEN'
  | 'PAID'
  | 'VOID';

export type LinkGitlabAccountPayload = {
  __typename?: 'LinkGitlabAccountPayload';
  authorizationUrl?: Maybe<Scalars['String']['output']>;
  userErrors: Array<UserError>;
};

export type LinkedGitlabAccount = {
  __typename?: 'LinkedGitlabAccount';
  linkedAt: Scalars['DateTime']['output'];
  username: Scalars['String']['output'];
};

export type MarkNotificationsReadPayload = {
  __typename?: 'MarkNotificationsReadPayload';
  unreadCount: Scalars['Int']['output'];
  userErrors: Array<UserError>;
};

export type Money = {
  __typename?: 'Money';
  amount: Scalars['String']['output'];
  currency: Scalars['String']['output'];
  minorUnits: Scalars['Int']['output'];
};

export type Mutation = {
  __typename?: 'Mutation';
  /** Signed out: signs the invitee in (R-MGR-1). */
  acceptInvitation: AcceptInvitationPayload;
  /** A card from a gateway token; never a card number (R-PAY-2). */
  addPaymentMethod: PaymentMethodPayload;
  /** GitLab.com: the group the subscription applies to. */
  associateSubscriptionNamespace: SubscriptionPayload;
  confirmEmail: ConfirmEmailPayload;
  /** Delete a card that is not the default (R-PAY-4). */
  deletePaymentMethod: DeletePaymentMethodPayload;
  /** Invite a manager by email (R-MGR-1, R-INV-2, R-INV-4). */
  inviteBillingAccountManager: InvitePayload;
  /** Starts linking (or changing) the GitLab.com account of the signed-in profile: open `authorizationUrl`; the portal's callback completes the link and returns the browser to the front end's /profile?gitlab=linked (or ?gitlab_error=CODE). */
  linkGitlabAccount: LinkGitlabAccountPayload;
  /** Mark the given notifications, or all, as read (R-NOT-5). */
  markNotificationsRead: MarkNotificationsReadPayload;
  /** Pay once per idempotency key (R-BILL-3, R-BILL-4). */
  payInvoice: PayInvoicePayload;
  /** Buys add-on packs (storage, compute minutes) for a direct subscription (R-SUB-4); MANAGED_BY_RESELLER for reseller ones, PAYMENT_METHOD_REQUIRED without a card. */
  purchaseAddOn: PurchasePayload;
  /** Buys a new direct subscription from the catalog (R-SUB-4): priced in the account's currency, invoiced with tax, charged once per idempotency key. Needs a card on record (PAYMENT_METHOD_REQUIRED). The subscription contact gets the confirmation with how to get access (R-SUB-5). */
  purchaseSubscription: PurchasePayload;
  /** Takes effect at once; not the last manager or the owner. */
  removeBillingAccountManager: RemoveManagerPayload;
  /** Emails a one-time sign-in link; same answer for every address. */
  requestSignInLink: RequestSignInLinkPayload;
  resendEmailConfirmation: ResendEmailConfirmationPayload;
  /** A fresh link valid for 7 days; the old link stops working. */
  resendInvitation: InvitePayload;
  /** A revoked invitation cannot be accepted (R-INV-3). */
  revokeInvitation: RevokeInvitationPayload;
  /** Same as subscription contact, a manager, or custom (R-CON-2). */
  setBillingContact: SetContactPayload;
  setSubscriptionAutoRenew: SubscriptionPayload;
  /** Choose a manager as subscription contact (R-CON-1). */
  setSubscriptionContact: SetContactPayload;
  /** Chooses the card this subscription renews on and its purchases charge (R-PAY-6); null: the account's default card. MANAGED_BY_RESELLER for reseller ones. */
  setSubscriptionPaymentMethod: SubscriptionPayload;
  signInWithLink: SignInPayload;
  /** Revokes this session everywhere, open streams included. */
  signOut: SignOutPayload;
  /** Hand ownership to another manager of the account (R-PROF-2). */
  transferOwnership: TransferOwnershipPayload;
  /** Forgets the linked GitLab.com account. */
  unlinkGitlabAccount: UnlinkGitlabAccountPayload;
  /** Managers edit company name, tax ID, country, address. */
  updateCompanyDetails: UpdateCompanyDetailsPayload;
  /** Edit expiry and cardholder name, or make default (R-PAY-3). */
  updatePaymentMethod: PaymentMethodPayload;
  /** Names change at once; a new email after confirmation (R-CONF-2). */
  updateProfile: UpdateProfilePayload;
  /** Buys more seats now: a prorated invoice charged at once to `paymentMethodId`, else to the subscription's renewal card (R-SUB-4, R-PAY-6); PAYMENT_METHOD_REQUIRED without a card, MANAGED_BY_RESELLER for reseller ones. The seats are added when the invoice is paid; a declined card answers with its code and leaves the invoice open (PURCHASE_AWAITING_PAYMENT until it is paid). */
  updateSubscriptionSeats: SubscriptionPayload;
};


export type MutationAcceptInvitationArgs = {
  token: Scalars['String']['input'];
};


export type MutationAddPaymentMethodArgs = {
  billingAccountId: Scalars['ID']['input'];
  makeDefault?: InputMaybe<Scalars['Boolean']['input']>;
  paymentToken: Scalars['String']['input'];
};


export type MutationAssociateSubscriptionNamespaceArgs = {
  namespacePath: Scalars['String']['input'];
  subscriptionId: Scalars['ID']['input'];
};


export type MutationConfirmEmailArgs = {
  token: Scalars['String']['input'];
};


export type MutationDeletePaymentMethodArgs = {
  paymentMethodId: Scalars['ID']['input'];
};


export type MutationInviteBillingAccountManagerArgs = {
  billingAccountId: Scalars['ID']['input'];
  email: Scalars['String']['input'];
};


export type MutationMarkNotificationsReadArgs = {
  all?: InputMaybe<Scalars['Boolean']['input']>;
  ids?: InputMaybe<Array<Scalars['ID']['input']>>;
};


export type MutationPayInvoiceArgs = {
  input: PayInvoiceInput;
};


export type MutationPurchaseAddOnArgs = {
  input: PurchaseAddOnInput;
};


export type MutationPurchaseSubscriptionArgs = {
  input: PurchaseSubscriptionInput;
};


export type MutationRemoveBillingAccountManagerArgs = {
  managerId: Scalars['ID']['input'];
};


export type MutationRequestSignInLinkArgs = {
  email: Scalars['String']['input'];
};


export type MutationResendInvitationArgs = {
  invitationId: Scalars['ID']['input'];
};


export type MutationRevokeInvitationArgs = {
  invitationId: Scalars['ID']['input'];
};


export type MutationSetBillingContactArgs = {
  input: SetBillingContactInput;
};


export type MutationSetSubscriptionAutoRenewArgs = {
  autoRenew: Scalars['Boolean']['input'];
  subscriptionId: Scalars['ID']['input'];
};


export type MutationSetSubscriptionContactArgs = {
  billingAccountId: Scalars['ID']['input'];
  contactDetails?: InputMaybe<ContactInput>;
  managerId: Scalars['ID']['input'];
};


export type MutationSetSubscriptionPaymentMethodArgs = {
  paymentMethodId?: InputMaybe<Scalars['ID']['input']>;
  subscriptionId: Scalars['ID']['input'];
};


export type MutationSignInWithLinkArgs = {
  token: Scalars['String']['input'];
};


export type MutationTransferOwnershipArgs = {
  billingAccountId: Scalars['ID']['input'];
  managerId: Scalars['ID']['input'];
};


export type MutationUpdateCompanyDetailsArgs = {
  input: UpdateCompanyDetailsInput;
};


export type MutationUpdatePaymentMethodArgs = {
  cardholderName?: InputMaybe<Scalars['String']['input']>;
  expMonth?: InputMaybe<Scalars['Int']['input']>;
  expYear?: InputMaybe<Scalars['Int']['input']>;
  makeDefault?: InputMaybe<Scalars['Boolean']['input']>;
  paymentMethodId: Scalars['ID']['input'];
};


export type MutationUpdateProfileArgs = {
  input: UpdateProfileInput;
};


export type MutationUpdateSubscriptionSeatsArgs = {
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  paymentMethodId?: InputMaybe<Scalars['ID']['input']>;
  seats: Scalars['Int']['input'];
  subscriptionId: Scalars['ID']['input'];
};

export type Node = {
  id: Scalars['ID']['output'];
};

export type Notification = Node & {
  __typename?: 'Notification';
  billingAccount?: Maybe<BillingAccount>;
  createdAt: Scalars['DateTime']['output'];
  event: NotificationEvent;
  id: Scalars['ID']['output'];
  invoice?: Maybe<Invoice>;
  message: Scalars['String']['output'];
  readAt?: Maybe<Scalars['DateTime']['output']>;
  subscription?: Maybe<ProductSubscription>;
  title: Scalars['String']['output'];
};

export type NotificationConnection = {
  __typename?: 'NotificationConnection';
  edges: Array<NotificationEdge>;
  pageInfo: PageInfo;
  unreadCount: Scalars['Int']['output'];
};

export type NotificationEdge = {
  __typename?: 'NotificationEdge';
  cursor: Scalars['String']['output'];
  node: Notification;
};

export type NotificationEvent =
  | 'ADD_ON_PURCHASED'
  | 'BILLING_CONTACT_CHANGED'
  | 'INVOICE_ISSUED'
  | 'MANAGER_ADDED'
  | 'MANAGER_REMOVED'
  | 'PAYMENT_FAILED'
  | 'PAYMENT_SUCCEEDED'
  | 'SUBSCRIPTION_CANCELLED'
  | 'SUBSCRIPTION_CONTACT_CHANGED'
  | 'SUBSCRIPTION_CREATED'
  | 'SUBSCRIPTION_EXPIRING'
  | 'SUBSCRIPTION_RENEWAL_FAILED'
  | 'SUBSCRIPTION_RENEWED'
  | 'SUBSCRIPTION_SEATS_CHANGED';

export type PageInfo = {
  __typename?: 'PageInfo';
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
};

export type PayInvoiceInput = {
  idempotencyKey: Scalars['String']['input'];
  invoiceId: Scalars['ID']['input'];
  paymentMethodId?: InputMaybe<Scalars['ID']['input']>;
  paymentToken?: InputMaybe<Scalars['String']['input']>;
};

export type PayInvoicePayload = {
  __typename?: 'PayInvoicePayload';
  invoice?: Maybe<Invoice>;
  payment?: Maybe<Payment>;
  userErrors: Array<UserError>;
};

export type Payment = Node & {
  __typename?: 'Payment';
  amount: Money;
  createdAt: Scalars['DateTime']['output'];
  failureCode?: Maybe<ErrorCode>;
  failureMessage?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  paymentMethod?: Maybe<PaymentMethod>;
  status: PaymentStatus;
};

export type PaymentMethod = Node & {
  __typename?: 'PaymentMethod';
  brand: CardBrand;
  cardholderName?: Maybe<Scalars['String']['output']>;
  expMonth: Scalars['Int']['output'];
  expYear: Scalars['Int']['output'];
  id: Scalars['ID']['output'];
  isDefault: Scalars['Boolean']['output'];
  isExpired: Scalars['Boolean']['output'];
  last4: Scalars['String']['output'];
};

export type PaymentMethodPayload = {
  __typename?: 'PaymentMethodPayload';
  paymentMethod?: Maybe<PaymentMethod>;
  userErrors: Array<UserError>;
};

export type PaymentStatus =
  | 'FAILED'
  | 'PENDING'
  | 'SUCCEEDED';

export type ProductSubscription = Node & {
  __typename?: 'ProductSubscription';
  /** Add-on packs bought for it (storage, compute minutes). */
  addOns: Array<PurchasedAddOn>;
  autoRenew: Scalars['Boolean']['output'];
  /** Self-Managed: GET /subscriptions/{id}/license with the token. */
  canDownloadLicense: Scalars['Boolean']['output'];
  channel: SalesChannel;
  deployment: Deployment;
  endDate: Scalars['Date']['output'];
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  namespacePath?: Maybe<Scalars['String']['output']>;
  plan: Scalars['String']['output'];
  /** The card renewals and purchases for this subscription charge (R-PAY-6): the one chosen for it, else the account's default card; null when there is no card. */
  renewalPaymentMethod?: Maybe<PaymentMethod>;
  /** True when renewals charge the account's default card, false when a card was chosen for this subscription (setSubscriptionPaymentMethod). */
  renewsOnDefaultCard: Scalars['Boolean']['output'];
  resellerName?: Maybe<Scalars['String']['output']>;
  seats: Scalars['Int']['output'];
  startDate: Scalars['Date']['output'];
  status: SubscriptionStatus;
};

/** An order placed in the portal, with its invoice (R-SUB-4). */
export type Purchase = Node & {
  __typename?: 'Purchase';
  completedAt?: Maybe<Scalars['DateTime']['output']>;
  createdAt: Scalars['DateTime']['output'];
  deployment?: Maybe<Deployment>;
  /** The plan or add-on bought. */
  description: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  invoice?: Maybe<Invoice>;
  kind: PurchaseKind;
  /** Seats, or add-on packs. */
  quantity: Scalars['Int']['output'];
  /** AWAITING_PAYMENT while its invoice is open (the card was declined): paying the invoice completes it. */
  status: PurchaseStatus;
  /** The subscription bought (once paid), or the one added to. */
  subscription?: Maybe<ProductSubscription>;
  /** Catalog price, before tax. */
  unitPrice: Money;
};

/** Packs of a catalog add-on for a direct subscription. */
export type PurchaseAddOnInput = {
  /** A CatalogAddOn on sale. */
  addOnId: Scalars['ID']['input'];
  /** Charged once per key. */
  idempotencyKey: Scalars['String']['input'];
  /** Default: the subscription's renewal card (R-PAY-6). */
  paymentMethodId?: InputMaybe<Scalars['ID']['input']>;
  /** Number of packs, 1 to 1000. */
  quantity: Scalars['Int']['input'];
  /** A direct subscription (a reseller's: MANAGED_BY_RESELLER). */
  subscriptionId: Scalars['ID']['input'];
};

/** What was bought: a new SUBSCRIPTION, more SEATS, or an ADD_ON. */
export type PurchaseKind =
  | 'ADD_ON'
  | 'SEATS'
  | 'SUBSCRIPTION';

/** The purchase, its invoice and the payment; a declined card is a userError with the gateway's code, and the invoice stays open. */
export type PurchasePayload = {
  __typename?: 'PurchasePayload';
  invoice?: Maybe<Invoice>;
  payment?: Maybe<Payment>;
  purchase?: Maybe<Purchase>;
  subscription?: Maybe<ProductSubscription>;
  userErrors: Array<UserError>;
};

/** COMPLETED once its invoice is paid; AWAITING_PAYMENT while it is open. */
export type PurchaseStatus =
  | 'AWAITING_PAYMENT'
  | 'COMPLETED';

/** A new direct subscription of a catalog plan, for one year. */
export type PurchaseSubscriptionInput = {
  /** The account buying; prices are in its currency. */
  billingAccountId: Scalars['ID']['input'];
  deployment: Deployment;
  /** Charged once per key: a retry with the same key returns the first result. */
  idempotencyKey: Scalars['String']['input'];
  /** The card to charge, which the subscription then renews on; default: the account's default card. */
  paymentMethodId?: InputMaybe<Scalars['ID']['input']>;
  /** A CatalogPlan on sale. */
  planId: Scalars['ID']['input'];
  /** 1 to 1,000,000. */
  seats: Scalars['Int']['input'];
};

/** Add-on packs bought for a subscription (R-SUB-4). */
export type PurchasedAddOn = {
  __typename?: 'PurchasedAddOn';
  /** The catalog add-on's name when bought. */
  name: Scalars['String']['output'];
  /** GB or compute minutes per pack. */
  packSize: Scalars['Int']['output'];
  packs: Scalars['Int']['output'];
  /** When its invoice was paid. */
  purchasedAt: Scalars['DateTime']['output'];
};

export type Query = {
  __typename?: 'Query';
  billingAccount?: Maybe<BillingAccount>;
  /** The plans and add-ons on sale, with their prices per currency (R-SUB-4). */
  catalog: Catalog;
  /** Null for an invoice of an account you do not manage. */
  invoice?: Maybe<Invoice>;
  /** The signed-in user; null when not signed in. */
  me?: Maybe<User>;
  /** Any object by its global id; null if you cannot see it. */
  node?: Maybe<Node>;
  /** Where to get help: public, like the Contact us page (R-ERR-4). */
  supportContacts: Array<SupportContact>;
};


export type QueryBillingAccountArgs = {
  id: Scalars['ID']['input'];
};


export type QueryInvoiceArgs = {
  id: Scalars['ID']['input'];
};


export type QueryNodeArgs = {
  id: Scalars['ID']['input'];
};

export type RemoveManagerPayload = {
  __typename?: 'RemoveManagerPayload';
  billingAccount?: Maybe<BillingAccount>;
  userErrors: Array<UserError>;
};

export type RequestSignInLinkPayload = {
  __typename?: 'RequestSignInLinkPayload';
  userErrors: Array<UserError>;
};

export type ResendEmailConfirmationPayload = {
  __typename?: 'ResendEmailConfirmationPayload';
  userErrors: Array<UserError>;
};

export type RevokeInvitationPayload = {
  __typename?: 'RevokeInvitationPayload';
  invitation?: Maybe<Invitation>;
  userErrors: Array<UserError>;
};

export type SalesChannel =
  | 'DIRECT'
  | 'RESELLER';

export type Session = {
  __typename?: 'Session';
  expiresAt: Scalars['DateTime']['output'];
  token: Scalars['String']['output'];
};

/** Exactly one of the three (R-CON-2). */
export type SetBillingContactInput = {
  billingAccountId: Scalars['ID']['input'];
  /** Edits to the chosen manager's contact details. */
  contactDetails?: InputMaybe<ContactInput>;
  customContact?: InputMaybe<ContactInput>;
  managerId?: InputMaybe<Scalars['ID']['input']>;
  sameAsSubscriptionContact?: InputMaybe<Scalars['Boolean']['input']>;
};

export type SetContactPayload = {
  __typename?: 'SetContactPayload';
  billingAccount?: Maybe<BillingAccount>;
  userErrors: Array<UserError>;
};

export type SignInPayload = {
  __typename?: 'SignInPayload';
  session?: Maybe<Session>;
  user?: Maybe<User>;
  userErrors: Array<UserError>;
};

export type SignOutPayload = {
  __typename?: 'SignOutPayload';
  userErrors: Array<UserError>;
};

export type Subscription = {
  __typename?: 'Subscription';
  /** Live events for the signed-in user (R-NOT-2, R-NOT-5). Ends when the session is revoked. */
  notifications: Notification;
};


export type SubscriptionNotificationsArgs = {
  after?: InputMaybe<Scalars['ID']['input']>;
  billingAccountId?: InputMaybe<Scalars['ID']['input']>;
};

export type SubscriptionPayload = {
  __typename?: 'SubscriptionPayload';
  subscription?: Maybe<ProductSubscription>;
  userErrors: Array<UserError>;
};

export type SubscriptionStatus =
  | 'ACTIVE'
  | 'CANCELLED'
  | 'EXPIRED';

export type SupportContact = {
  __typename?: 'SupportContact';
  description: Scalars['String']['output'];
  email?: Maybe<Scalars['String']['output']>;
  team: Scalars['String']['output'];
  url?: Maybe<Scalars['String']['output']>;
};

export type TaxTreatment =
  | 'NOT_APPLICABLE'
  | 'REVERSE_CHARGE'
  | 'STANDARD_RATE';

export type TransferOwnershipPayload = {
  __typename?: 'TransferOwnershipPayload';
  billingAccount?: Maybe<BillingAccount>;
  userErrors: Array<UserError>;
};

export type UnlinkGitlabAccountPayload = {
  __typename?: 'UnlinkGitlabAccountPayload';
  user?: Maybe<User>;
  userErrors: Array<UserError>;
};

export type UpdateCompanyDetailsInput = {
  address?: InputMaybe<AddressInput>;
  billingAccountId: Scalars['ID']['input'];
  country?: InputMaybe<Scalars['String']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
  /** "" clears it */
  taxId?: InputMaybe<Scalars['String']['input']>;
};

export type UpdateCompanyDetailsPayload = {
  __typename?: 'UpdateCompanyDetailsPayload';
  billingAccount?: Maybe<BillingAccount>;
  userErrors: Array<UserError>;
};

export type UpdateProfileInput = {
  email?: InputMaybe<Scalars['String']['input']>;
  firstName?: InputMaybe<Scalars['String']['input']>;
  lastName?: InputMaybe<Scalars['String']['input']>;
};

export type UpdateProfilePayload = {
  __typename?: 'UpdateProfilePayload';
  user?: Maybe<User>;
  userErrors: Array<UserError>;
};

export type User = Node & {
  __typename?: 'User';
  /** Accounts I manage. */
  billingAccounts: Array<BillingAccount>;
  email: Scalars['String']['output'];
  emailConfirmed: Scalars['Boolean']['output'];
  firstName: Scalars['String']['output'];
  gitlabAccount?: Maybe<LinkedGitlabAccount>;
  id: Scalars['ID']['output'];
  lastName: Scalars['String']['output'];
  /** My notifications, newest first (R-NOT-5). */
  notifications: NotificationConnection;
  /** Invitations addressed to me that I can accept. */
  pendingInvitations: Array<Invitation>;
  unconfirmedEmail?: Maybe<Scalars['String']['output']>;
};


export type UserNotificationsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  unreadOnly?: InputMaybe<Scalars['Boolean']['input']>;
};

/** Expected failure of a mutation (R-ERR-1). */
export type UserError = {
  __typename?: 'UserError';
  code: ErrorCode;
  field?: Maybe<Array<Scalars['String']['output']>>;
  message: Scalars['String']['output'];
};

export type MeQueryVariables = Exact<{ [key: string]: never; }>;


export type MeQuery = { __typename?: 'Query', me?: { __typename?: 'User', id: string, email: string, unconfirmedEmail?: string | null, emailConfirmed: boolean, firstName: string, lastName: string, gitlabAccount?: { __typename?: 'LinkedGitlabAccount', username: string, linkedAt: string } | null, billingAccounts: Array<{ __typename?: 'BillingAccount', id: string, company: { __typename?: 'CompanyDetails', name: string } }>, pendingInvitations: Array<{ __typename?: 'Invitation', id: string, companyName: string, email: string, expiresAt: string }> } | null };

export type SignOutMutationVariables = Exact<{ [key: string]: never; }>;


export type SignOutMutation = { __typename?: 'Mutation', signOut: { __typename?: 'SignOutPayload', userErrors: Array<{ __typename?: 'UserError', code: ErrorCode, message: string }> } };

export type AccountNameQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type AccountNameQuery = { __typename?: 'Query', billingAccount?: { __typename?: 'BillingAccount', id: string, company: { __typename?: 'CompanyDetails', name: string } } | null };

export type MarkNotificationsReadMutationVariables = Exact<{
  ids?: InputMaybe<Array<Scalars['ID']['input']> | Scalars['ID']['input']>;
  all?: InputMaybe<Scalars['Boolean']['input']>;
}>;


export type MarkNotificationsReadMutation = { __typename?: 'Mutation', markNotificationsRead: { __typename?: 'MarkNotificationsReadPayload', unreadCount: number, userErrors: Array<{ __typename?: 'UserError', code: ErrorCode, message: string }> } };

export type NotificationFeedQueryVariables = Exact<{
  first: Scalars['Int']['input'];
  after?: InputMaybe<Scalars['String']['input']>;
  unreadOnly?: InputMaybe<Scalars['Boolean']['input']>;
}>;


export type NotificationFeedQuery = { __typename?: 'Query', me?: { __typename?: 'User', id: string, notifications: { __typename?: 'NotificationConnection', unreadCount: number, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null }, edges: Array<{ __typename?: 'NotificationEdge', node: { __typename?: 'Notification', id: string, event: NotificationEvent, title: string, message: string, createdAt: string, readAt?: string | null, billingAccount?: { __typename?: 'BillingAccount', id: string } | null, invoice?: { __typename?: 'Invoice', id: string } | null } }> } } | null };

export type LiveNotificationsSubscriptionVariables = Exact<{
  after?: InputMaybe<Scalars['ID']['input']>;
}>;


export type LiveNotificationsSubscription = { __typename?: 'Subscription', notifications: { __typename?: 'Notification', id: string, event: NotificationEvent, title: string, message: string, createdAt: string, readAt?: string | null, billingAccount?: { __typename?: 'BillingAccount', id: string } | null, invoice?: { __typename?: 'Invoice', id: string } | null } };

export type AcceptInvitationMutationVariables = Exact<{
  token: Scalars['String']['input'];
}>;


export type AcceptInvitationMutation = { __typename?: 'Mutation', acceptInvitation: { __typename?: 'AcceptInvitationPayload', billingAccount?: { __typename?: 'BillingAccount', id: string, company: { __typename?: 'CompanyDetails', name: string } } | null, session?: { __typename?: 'Session', token: string } | null, userErrors: Array<{ __typename?: 'UserError', field?: Array<string> | null, code: ErrorCode, message: string }> } };

export type AccountQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type AccountQuery = { __typename?: 'Query', billingAccount?: { __typename?: 'BillingAccount', id: string, company: { __typename?: 'CompanyDetails', name: string, taxId?: string | null, country: string, taxTreatment: TaxTreatment, address?: { __typename?: 'Address', line1: string, line2?: string | null, city: string, postalCode?: string | null, region?: string | null, country: string } | null }, owner: { __typename?: 'BillingAccountManager', id: string }, managers: Array<{ __typename?: 'BillingAccountManager', id: string, isOwner: boolean, addedAt: string, firstName: string, lastName: string, email: string, isSubscriptionContact: boolean, isBillingContact: boolean, user: { __typename?: 'User', id: string } }>, subscriptionContact?: { __typename?: 'Contact', firstName: string, lastName: string, email: string, phone?: string | null, manager?: { __typename?: 'BillingAccountManager', id: string } | null } | null, billingContact: { __typename?: 'BillingContact', kind: BillingContactKind, contact: { __typename?: 'Contact', firstName: string, lastName: string, email: string, phone?: string | null, manager?: { __typename?: 'BillingAccountManager', id: string } | null } }, invitations: Array<{ __typename?: 'Invitation', id: string, email: string, status: InvitationStatus, displayName: string, createdAt: string, expiresAt: string }>, prompts: Array<{ __typename?: 'AccountPrompt', code: AccountPromptCode, message: string, manager?: { __typename?: 'BillingAccountManager', id: string } | null }> } | null };

export type UpdateCompanyDetailsMutationVariables = Exact<{
  input: UpdateCompanyDetailsInput;
}>;


export type UpdateCompanyDetailsMutation = { __typename?: 'Mutation', updateCompanyDetails: { __typename?: 'UpdateCompanyDetailsPayload', billingAccount?: { __typename?: 'BillingAccount', id: string, company: { __typename?: 'CompanyDetails', name: string, taxId?: string | null, country: string, taxTreatment: TaxTreatment, address?: { __typename?: 'Address', line1: string, line2?: string | null, city: string, postalCode?: string | null, region?: string | null, country: string } | null }, prompts: Array<{ __typename?: 'AccountPrompt', code: AccountPromptCode, message: string }> } | null, userErrors: Array<{ __typename?: 'UserError', field?: Array<string> | null, code: ErrorCode, message: string }> } };

export type InviteManagerMutationVariables = Exact<{
  accountId: Scalars['ID']['input'];
  email: Scalars['String']['input'];
}>;


export type InviteManagerMutation = { __typename?: 'Mutation', inviteBillingAccountManager: { __typename?: 'InvitePayload', invitation?: { __typename?: 'Invitation', id: string, email: string, status: InvitationStatus, displayName: string, createdAt: string, expiresAt: string } | null, userErrors: Array<{ __typename?: 'UserError', field?: Array<string> | null, code: ErrorCode, message: string }> } };

export type ResendInvitationMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type ResendInvitationMutation = { __typename?: 'Mutation', resendInvitation: { __typename?: 'InvitePayload', invitation?: { __typename?: 'Invitation', id: string, status: InvitationStatus, expiresAt: string } | null, userErrors: Array<{ __typename?: 'UserError', field?: Array<string> | null, code: ErrorCode, message: string }> } };

export type RevokeInvitationMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type RevokeInvitationMutation = { __typename?: 'Mutation', revokeInvitation: { __typename?: 'RevokeInvitationPayload', invitation?: { __typename?: 'Invitation', id: string, status: InvitationStatus } | null, userErrors: Array<{ __typename?: 'UserError', field?: Array<string> | null, code: ErrorCode, message: string }> } };

export type RemoveManagerMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type RemoveManagerMutation = { __typename?: 'Mutation', removeBillingAccountManager: { __typename?: 'RemoveManagerPayload', billingAccount?: { __typename?: 'BillingAccount', id: string } | null, userErrors: Array<{ __typename?: 'UserError', field?: Array<string> | null, code: ErrorCode, message: string }> } };

export type TransferOwnershipMutationVariables = Exact<{
  accountId: Scalars['ID']['input'];
  managerId: Scalars['ID']['input'];
}>;


export type TransferOwnershipMutation = { __typename?: 'Mutation', transferOwnership: { __typename?: 'TransferOwnershipPayload', billingAccount?: { __typename?: 'BillingAccount', id: string } | null, userErrors: Array<{ __typename?: 'UserError', field?: Array<string> | null, code: ErrorCode, message: string }> } };

export type SetSubscriptionContactMutationVariables = Exact<{
  accountId: Scalars['ID']['input'];
  managerId: Scalars['ID']['input'];
}>;


export type SetSubscriptionContactMutation = { __typename?: 'Mutation', setSubscriptionContact: { __typename?: 'SetContactPayload', billingAccount?: { __typename?: 'BillingAccount', id: string } | null, userErrors: Array<{ __typename?: 'UserError', field?: Array<string> | null, code: ErrorCode, message: string }> } };

export type SetBillingContactMutationVariables = Exact<{
  input: SetBillingContactInput;
}>;


export type SetBillingContactMutation = { __typename?: 'Mutation', setBillingContact: { __typename?: 'SetContactPayload', billingAccount?: { __typename?: 'BillingAccount', id: string } | null, userErrors: Array<{ __typename?: 'UserError', field?: Array<string> | null, code: ErrorCode, message: string }> } };

export type ActivityQueryVariables = Exact<{
  id: Scalars['ID']['input'];
  first: Scalars['Int']['input'];
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type ActivityQuery = { __typename?: 'Query', billingAccount?: { __typename?: 'BillingAccount', id: string, activity: { __typename?: 'ActivityConnection', pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null }, edges: Array<{ __typename?: 'ActivityEdge', node: { __typename?: 'ActivityEntry', id: string, actor: string, action: string, summary: string, createdAt: string } }> } } | null };

export type CardsQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type CardsQuery = { __typename?: 'Query', billingAccount?: { __typename?: 'BillingAccount', id: string, paymentMethods: Array<{ __typename?: 'PaymentMethod', id: string, brand: CardBrand, last4: string, expMonth: number, expYear: number, cardholderName?: string | null, isDefault: boolean, isExpired: boolean }> } | null };

export type AddPaymentMethodMutationVariables = Exact<{
  accountId: Scalars['ID']['input'];
  token: Scalars['String']['input'];
  makeDefault?: InputMaybe<Scalars['Boolean']['input']>;
}>;


export type AddPaymentMethodMutation = { __typename?: 'Mutation', addPaymentMethod: { __typename?: 'PaymentMethodPayload', paymentMethod?: { __typename?: 'PaymentMethod', id: string, brand: CardBrand, last4: string, isDefault: boolean } | null, userErrors: Array<{ __typename?: 'UserError', field?: Array<string> | null, code: ErrorCode, message: string }> } };

export type MakeDefaultPaymentMethodMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type MakeDefaultPaymentMethodMutation = { __typename?: 'Mutation', updatePaymentMethod: { __typename?: 'PaymentMethodPayload', paymentMethod?: { __typename?: 'PaymentMethod', id: string, isDefault: boolean } | null, userErrors: Array<{ __typename?: 'UserError', field?: Array<string> | null, code: ErrorCode, message: string }> } };

export type DeletePaymentMethodMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type DeletePaymentMethodMutation = { __typename?: 'Mutation', deletePaymentMethod: { __typename?: 'DeletePaymentMethodPayload', deletedPaymentMethodId?: string | null, userErrors: Array<{ __typename?: 'UserError', field?: Array<string> | null, code: ErrorCode, message: string }> } };

export type ConfirmEmailMutationVariables = Exact<{
  token: Scalars['String']['input'];
}>;


export type ConfirmEmailMutation = { __typename?: 'Mutation', confirmEmail: { __typename?: 'ConfirmEmailPayload', user?: { __typename?: 'User', id: string, email: string, emailConfirmed: boolean, unconfirmedEmail?: string | null } | null, userErrors: Array<{ __typename?: 'UserError', field?: Array<string> | null, code: ErrorCode, message: string }> } };

export type InvoicesQueryVariables = Exact<{
  id: Scalars['ID']['input'];
  first: Scalars['Int']['input'];
  after?: InputMaybe<Scalars['String']['input']>;
  status?: InputMaybe<InvoiceStatus>;
}>;


export type InvoicesQuery = { __typename?: 'Query', billingAccount?: { __typename?: 'BillingAccount', id: string, invoices: { __typename?: 'InvoiceConnection', totalCount: number, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null }, edges: Array<{ __typename?: 'InvoiceEdge', node: { __typename?: 'Invoice', id: string, number: string, status: InvoiceStatus, issuedAt: string, dueDate: string, total: { __typename?: 'Money', amount: string, currency: string }, amountDue: { __typename?: 'Money', amount: string, currency: string } } }> } } | null };

export type InvoiceQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type InvoiceQuery = { __typename?: 'Query', invoice?: { __typename?: 'Invoice', id: string, number: string, status: InvoiceStatus, issuedAt: string, dueDate: string, taxTreatment: TaxTreatment, taxRatePercent?: string | null, taxNote?: string | null, pdfUrl: string, subtotal: { __typename?: 'Money', amount: string, currency: string }, tax: { __typename?: 'Money', amount: string, currency: string }, total: { __typename?: 'Money', amount: string, currency: string }, amountDue: { __typename?: 'Money', amount: string, currency: string }, lines: Array<{ __typename?: 'InvoiceLine', description: string, quantity: number, unitPrice: { __typename?: 'Money', amount: string, currency: string }, amount: { __typename?: 'Money', amount: string, currency: string } }>, payments: Array<{ __typename?: 'Payment', id: string, status: PaymentStatus, failureCode?: ErrorCode | null, failureMessage?: string | null, createdAt: string, amount: { __typename?: 'Money', amount: string, currency: string }, paymentMethod?: { __typename?: 'PaymentMethod', id: string, brand: CardBrand, last4: string } | null }>, subscription?: { __typename?: 'ProductSubscription', id: string, name: string } | null } | null };

export type PayInvoiceMutationVariables = Exact<{
  input: PayInvoiceInput;
}>;


export type PayInvoiceMutation = { __typename?: 'Mutation', payInvoice: { __typename?: 'PayInvoicePayload', payment?: { __typename?: 'Payment', id: string, status: PaymentStatus, failureCode?: ErrorCode | null, failureMessage?: string | null } | null, invoice?: { __typename?: 'Invoice', id: string, status: InvoiceStatus, amountDue: { __typename?: 'Money', amount: string, currency: string } } | null, userErrors: Array<{ __typename?: 'UserError', field?: Array<string> | null, code: ErrorCode, message: string }> } };

export type UpdateProfileMutationVariables = Exact<{
  input: UpdateProfileInput;
}>;


export type UpdateProfileMutation = { __typename?: 'Mutation', updateProfile: { __typename?: 'UpdateProfilePayload', user?: { __typename?: 'User', id: string, email: string, unconfirmedEmail?: string | null, emailConfirmed: boolean, firstName: string, lastName: string } | null, userErrors: Array<{ __typename?: 'UserError', field?: Array<string> | null, code: ErrorCode, message: string }> } };

export type ResendEmailConfirmationMutationVariables = Exact<{ [key: string]: never; }>;


export type ResendEmailConfirmationMutation = { __typename?: 'Mutation', resendEmailConfirmation: { __typename?: 'ResendEmailConfirmationPayload', userErrors: Array<{ __typename?: 'UserError', field?: Array<string> | null, code: ErrorCode, message: string }> } };

export type LinkGitlabAccountMutationVariables = Exact<{ [key: string]: never; }>;


export type LinkGitlabAccountMutation = { __typename?: 'Mutation', linkGitlabAccount: { __typename?: 'LinkGitlabAccountPayload', authorizationUrl?: string | null, userErrors: Array<{ __typename?: 'UserError', field?: Array<string> | null, code: ErrorCode, message: string }> } };

export type UnlinkGitlabAccountMutationVariables = Exact<{ [key: string]: never; }>;


export type UnlinkGitlabAccountMutation = { __typename?: 'Mutation', unlinkGitlabAccount: { __typename?: 'UnlinkGitlabAccountPayload', user?: { __typename?: 'User', id: string, gitlabAccount?: { __typename?: 'LinkedGitlabAccount', username: string, linkedAt: string } | null } | null, userErrors: Array<{ __typename?: 'UserError', field?: Array<string> | null, code: ErrorCode, message: string }> } };

export type RequestSignInLinkMutationVariables = Exact<{
  email: Scalars['String']['input'];
}>;


export type RequestSignInLinkMutation = { __typename?: 'Mutation', requestSignInLink: { __typename?: 'RequestSignInLinkPayload', userErrors: Array<{ __typename?: 'UserError', field?: Array<string> | null, code: ErrorCode, message: string }> } };

export type SignInWithLinkMutationVariables = Exact<{
  token: Scalars['String']['input'];
}>;


export type SignInWithLinkMutation = { __typename?: 'Mutation', signInWithLink: { __typename?: 'SignInPayload', session?: { __typename?: 'Session', token: string, expiresAt: string } | null, user?: { __typename?: 'User', id: string, email: string } | null, userErrors: Array<{ __typename?: 'UserError', field?: Array<string> | null, code: ErrorCode, message: string }> } };

export type SubscriptionsQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type SubscriptionsQuery = { __typename?: 'Query', billingAccount?: { __typename?: 'BillingAccount', id: string, subscriptions: Array<{ __typename?: 'ProductSubscription', id: string, name: string, plan: string, deployment: Deployment, seats: number, startDate: string, endDate: string, autoRenew: boolean, status: SubscriptionStatus, channel: SalesChannel, resellerName?: string | null, namespacePath?: string | null, canDownloadLicense: boolean }> } | null };

export type UpdateSubscriptionSeatsMutationVariables = Exact<{
  id: Scalars['ID']['input'];
  seats: Scalars['Int']['input'];
}>;


export type UpdateSubscriptionSeatsMutation = { __typename?: 'Mutation', updateSubscriptionSeats: { __typename?: 'SubscriptionPayload', subscription?: { __typename?: 'ProductSubscription', id: string, seats: number } | null, userErrors: Array<{ __typename?: 'UserError', field?: Array<string> | null, code: ErrorCode, message: string }> } };

export type SetSubscriptionAutoRenewMutationVariables = Exact<{
  id: Scalars['ID']['input'];
  autoRenew: Scalars['Boolean']['input'];
}>;


export type SetSubscriptionAutoRenewMutation = { __typename?: 'Mutation', setSubscriptionAutoRenew: { __typename?: 'SubscriptionPayload', subscription?: { __typename?: 'ProductSubscription', id: string, autoRenew: boolean } | null, userErrors: Array<{ __typename?: 'UserError', field?: Array<string> | null, code: ErrorCode, message: string }> } };

export type AssociateSubscriptionNamespaceMutationVariables = Exact<{
  id: Scalars['ID']['input'];
  path: Scalars['String']['input'];
}>;


export type AssociateSubscriptionNamespaceMutation = { __typename?: 'Mutation', associateSubscriptionNamespace: { __typename?: 'SubscriptionPayload', subscription?: { __typename?: 'ProductSubscription', id: string, namespacePath?: string | null } | null, userErrors: Array<{ __typename?: 'UserError', field?: Array<string> | null, code: ErrorCode, message: string }> } };


export const MeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"unconfirmedEmail"}},{"kind":"Field","name":{"kind":"Name","value":"emailConfirmed"}},{"kind":"Field","name":{"kind":"Name","value":"firstName"}},{"kind":"Field","name":{"kind":"Name","value":"lastName"}},{"kind":"Field","name":{"kind":"Name","value":"gitlabAccount"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"username"}},{"kind":"Field","name":{"kind":"Name","value":"linkedAt"}}]}},{"kind":"Field","name":{"kind":"Name","value":"billingAccounts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"company"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pendingInvitations"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"companyName"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}}]}}]}}]}}]} as unknown as DocumentNode<MeQuery, MeQueryVariables>;
export const SignOutDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SignOut"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"signOut"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<SignOutMutation, SignOutMutationVariables>;
export const AccountNameDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"AccountName"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"billingAccount"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"company"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]} as unknown as DocumentNode<AccountNameQuery, AccountNameQueryVariables>;
export const MarkNotificationsReadDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"MarkNotificationsRead"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"ids"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"all"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"markNotificationsRead"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"ids"},"value":{"kind":"Variable","name":{"kind":"Name","value":"ids"}}},{"kind":"Argument","name":{"kind":"Name","value":"all"},"value":{"kind":"Variable","name":{"kind":"Name","value":"all"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"unreadCount"}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<MarkNotificationsReadMutation, MarkNotificationsReadMutationVariables>;
export const NotificationFeedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"NotificationFeed"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"unreadOnly"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"notifications"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"unreadOnly"},"value":{"kind":"Variable","name":{"kind":"Name","value":"unreadOnly"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"unreadCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"event"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"readAt"}},{"kind":"Field","name":{"kind":"Name","value":"billingAccount"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"invoice"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<NotificationFeedQuery, NotificationFeedQueryVariables>;
export const LiveNotificationsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"LiveNotifications"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"notifications"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"event"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"readAt"}},{"kind":"Field","name":{"kind":"Name","value":"billingAccount"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"invoice"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]}}]} as unknown as DocumentNode<LiveNotificationsSubscription, LiveNotificationsSubscriptionVariables>;
export const AcceptInvitationDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"AcceptInvitation"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"token"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"acceptInvitation"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"token"},"value":{"kind":"Variable","name":{"kind":"Name","value":"token"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"billingAccount"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"company"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"session"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"token"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<AcceptInvitationMutation, AcceptInvitationMutationVariables>;
export const AccountDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Account"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"billingAccount"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"company"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"taxId"}},{"kind":"Field","name":{"kind":"Name","value":"country"}},{"kind":"Field","name":{"kind":"Name","value":"taxTreatment"}},{"kind":"Field","name":{"kind":"Name","value":"address"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"line1"}},{"kind":"Field","name":{"kind":"Name","value":"line2"}},{"kind":"Field","name":{"kind":"Name","value":"city"}},{"kind":"Field","name":{"kind":"Name","value":"postalCode"}},{"kind":"Field","name":{"kind":"Name","value":"region"}},{"kind":"Field","name":{"kind":"Name","value":"country"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"owner"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"managers"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"isOwner"}},{"kind":"Field","name":{"kind":"Name","value":"addedAt"}},{"kind":"Field","name":{"kind":"Name","value":"firstName"}},{"kind":"Field","name":{"kind":"Name","value":"lastName"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"isSubscriptionContact"}},{"kind":"Field","name":{"kind":"Name","value":"isBillingContact"}},{"kind":"Field","name":{"kind":"Name","value":"user"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"subscriptionContact"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"firstName"}},{"kind":"Field","name":{"kind":"Name","value":"lastName"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"phone"}},{"kind":"Field","name":{"kind":"Name","value":"manager"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"billingContact"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"contact"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"firstName"}},{"kind":"Field","name":{"kind":"Name","value":"lastName"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"phone"}},{"kind":"Field","name":{"kind":"Name","value":"manager"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"invitations"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}}]}},{"kind":"Field","name":{"kind":"Name","value":"prompts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"manager"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]}}]}}]} as unknown as DocumentNode<AccountQuery, AccountQueryVariables>;
export const UpdateCompanyDetailsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UpdateCompanyDetails"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UpdateCompanyDetailsInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateCompanyDetails"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"billingAccount"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"company"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"taxId"}},{"kind":"Field","name":{"kind":"Name","value":"country"}},{"kind":"Field","name":{"kind":"Name","value":"taxTreatment"}},{"kind":"Field","name":{"kind":"Name","value":"address"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"line1"}},{"kind":"Field","name":{"kind":"Name","value":"line2"}},{"kind":"Field","name":{"kind":"Name","value":"city"}},{"kind":"Field","name":{"kind":"Name","value":"postalCode"}},{"kind":"Field","name":{"kind":"Name","value":"region"}},{"kind":"Field","name":{"kind":"Name","value":"country"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"prompts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<UpdateCompanyDetailsMutation, UpdateCompanyDetailsMutationVariables>;
export const InviteManagerDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"InviteManager"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"accountId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"email"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"inviteBillingAccountManager"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"billingAccountId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"accountId"}}},{"kind":"Argument","name":{"kind":"Name","value":"email"},"value":{"kind":"Variable","name":{"kind":"Name","value":"email"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"invitation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<InviteManagerMutation, InviteManagerMutationVariables>;
export const ResendInvitationDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ResendInvitation"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"resendInvitation"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"invitationId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"invitation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<ResendInvitationMutation, ResendInvitationMutationVariables>;
export const RevokeInvitationDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RevokeInvitation"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"revokeInvitation"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"invitationId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"invitation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<RevokeInvitationMutation, RevokeInvitationMutationVariables>;
export const RemoveManagerDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RemoveManager"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"removeBillingAccountManager"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"managerId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"billingAccount"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<RemoveManagerMutation, RemoveManagerMutationVariables>;
export const TransferOwnershipDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"TransferOwnership"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"accountId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"managerId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"transferOwnership"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"billingAccountId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"accountId"}}},{"kind":"Argument","name":{"kind":"Name","value":"managerId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"managerId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"billingAccount"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<TransferOwnershipMutation, TransferOwnershipMutationVariables>;
export const SetSubscriptionContactDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SetSubscriptionContact"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"accountId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"managerId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"setSubscriptionContact"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"billingAccountId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"accountId"}}},{"kind":"Argument","name":{"kind":"Name","value":"managerId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"managerId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"billingAccount"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<SetSubscriptionContactMutation, SetSubscriptionContactMutationVariables>;
export const SetBillingContactDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SetBillingContact"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"SetBillingContactInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"setBillingContact"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"billingAccount"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<SetBillingContactMutation, SetBillingContactMutationVariables>;
export const ActivityDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Activity"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"billingAccount"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"activity"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"actor"}},{"kind":"Field","name":{"kind":"Name","value":"action"}},{"kind":"Field","name":{"kind":"Name","value":"summary"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<ActivityQuery, ActivityQueryVariables>;
export const CardsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Cards"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"billingAccount"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"paymentMethods"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"brand"}},{"kind":"Field","name":{"kind":"Name","value":"last4"}},{"kind":"Field","name":{"kind":"Name","value":"expMonth"}},{"kind":"Field","name":{"kind":"Name","value":"expYear"}},{"kind":"Field","name":{"kind":"Name","value":"cardholderName"}},{"kind":"Field","name":{"kind":"Name","value":"isDefault"}},{"kind":"Field","name":{"kind":"Name","value":"isExpired"}}]}}]}}]}}]} as unknown as DocumentNode<CardsQuery, CardsQueryVariables>;
export const AddPaymentMethodDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"AddPaymentMethod"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"accountId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"token"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"makeDefault"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"addPaymentMethod"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"billingAccountId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"accountId"}}},{"kind":"Argument","name":{"kind":"Name","value":"paymentToken"},"value":{"kind":"Variable","name":{"kind":"Name","value":"token"}}},{"kind":"Argument","name":{"kind":"Name","value":"makeDefault"},"value":{"kind":"Variable","name":{"kind":"Name","value":"makeDefault"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"paymentMethod"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"brand"}},{"kind":"Field","name":{"kind":"Name","value":"last4"}},{"kind":"Field","name":{"kind":"Name","value":"isDefault"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<AddPaymentMethodMutation, AddPaymentMethodMutationVariables>;
export const MakeDefaultPaymentMethodDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"MakeDefaultPaymentMethod"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updatePaymentMethod"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"paymentMethodId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"makeDefault"},"value":{"kind":"BooleanValue","value":true}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"paymentMethod"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"isDefault"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<MakeDefaultPaymentMethodMutation, MakeDefaultPaymentMethodMutationVariables>;
export const DeletePaymentMethodDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DeletePaymentMethod"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deletePaymentMethod"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"paymentMethodId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deletedPaymentMethodId"}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<DeletePaymentMethodMutation, DeletePaymentMethodMutationVariables>;
export const ConfirmEmailDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConfirmEmail"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"token"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"confirmEmail"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"token"},"value":{"kind":"Variable","name":{"kind":"Name","value":"token"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"user"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"emailConfirmed"}},{"kind":"Field","name":{"kind":"Name","value":"unconfirmedEmail"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<ConfirmEmailMutation, ConfirmEmailMutationVariables>;
export const InvoicesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Invoices"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"status"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"InvoiceStatus"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"billingAccount"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"invoices"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"status"},"value":{"kind":"Variable","name":{"kind":"Name","value":"status"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"number"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"issuedAt"}},{"kind":"Field","name":{"kind":"Name","value":"dueDate"}},{"kind":"Field","name":{"kind":"Name","value":"total"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}},{"kind":"Field","name":{"kind":"Name","value":"amountDue"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<InvoicesQuery, InvoicesQueryVariables>;
export const InvoiceDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Invoice"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"invoice"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"number"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"issuedAt"}},{"kind":"Field","name":{"kind":"Name","value":"dueDate"}},{"kind":"Field","name":{"kind":"Name","value":"subtotal"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}},{"kind":"Field","name":{"kind":"Name","value":"tax"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}},{"kind":"Field","name":{"kind":"Name","value":"taxTreatment"}},{"kind":"Field","name":{"kind":"Name","value":"taxRatePercent"}},{"kind":"Field","name":{"kind":"Name","value":"taxNote"}},{"kind":"Field","name":{"kind":"Name","value":"total"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}},{"kind":"Field","name":{"kind":"Name","value":"amountDue"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}},{"kind":"Field","name":{"kind":"Name","value":"lines"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"quantity"}},{"kind":"Field","name":{"kind":"Name","value":"unitPrice"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}},{"kind":"Field","name":{"kind":"Name","value":"amount"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"payments"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"amount"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}},{"kind":"Field","name":{"kind":"Name","value":"failureCode"}},{"kind":"Field","name":{"kind":"Name","value":"failureMessage"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"paymentMethod"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"brand"}},{"kind":"Field","name":{"kind":"Name","value":"last4"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pdfUrl"}},{"kind":"Field","name":{"kind":"Name","value":"subscription"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]} as unknown as DocumentNode<InvoiceQuery, InvoiceQueryVariables>;
export const PayInvoiceDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"PayInvoice"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"PayInvoiceInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"payInvoice"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"payment"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"failureCode"}},{"kind":"Field","name":{"kind":"Name","value":"failureMessage"}}]}},{"kind":"Field","name":{"kind":"Name","value":"invoice"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"amountDue"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<PayInvoiceMutation, PayInvoiceMutationVariables>;
export const UpdateProfileDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UpdateProfile"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UpdateProfileInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateProfile"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"user"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"unconfirmedEmail"}},{"kind":"Field","name":{"kind":"Name","value":"emailConfirmed"}},{"kind":"Field","name":{"kind":"Name","value":"firstName"}},{"kind":"Field","name":{"kind":"Name","value":"lastName"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<UpdateProfileMutation, UpdateProfileMutationVariables>;
export const ResendEmailConfirmationDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ResendEmailConfirmation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"resendEmailConfirmation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<ResendEmailConfirmationMutation, ResendEmailConfirmationMutationVariables>;
export const LinkGitlabAccountDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"LinkGitlabAccount"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"linkGitlabAccount"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"authorizationUrl"}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<LinkGitlabAccountMutation, LinkGitlabAccountMutationVariables>;
export const UnlinkGitlabAccountDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UnlinkGitlabAccount"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"unlinkGitlabAccount"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"user"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"gitlabAccount"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"username"}},{"kind":"Field","name":{"kind":"Name","value":"linkedAt"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<UnlinkGitlabAccountMutation, UnlinkGitlabAccountMutationVariables>;
export const RequestSignInLinkDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RequestSignInLink"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"email"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"requestSignInLink"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"email"},"value":{"kind":"Variable","name":{"kind":"Name","value":"email"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<RequestSignInLinkMutation, RequestSignInLinkMutationVariables>;
export const SignInWithLinkDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SignInWithLink"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"token"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"signInWithLink"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"token"},"value":{"kind":"Variable","name":{"kind":"Name","value":"token"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"session"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"token"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}}]}},{"kind":"Field","name":{"kind":"Name","value":"user"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"email"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<SignInWithLinkMutation, SignInWithLinkMutationVariables>;
export const SubscriptionsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Subscriptions"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"billingAccount"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"subscriptions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"plan"}},{"kind":"Field","name":{"kind":"Name","value":"deployment"}},{"kind":"Field","name":{"kind":"Name","value":"seats"}},{"kind":"Field","name":{"kind":"Name","value":"startDate"}},{"kind":"Field","name":{"kind":"Name","value":"endDate"}},{"kind":"Field","name":{"kind":"Name","value":"autoRenew"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"channel"}},{"kind":"Field","name":{"kind":"Name","value":"resellerName"}},{"kind":"Field","name":{"kind":"Name","value":"namespacePath"}},{"kind":"Field","name":{"kind":"Name","value":"canDownloadLicense"}}]}}]}}]}}]} as unknown as DocumentNode<SubscriptionsQuery, SubscriptionsQueryVariables>;
export const UpdateSubscriptionSeatsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UpdateSubscriptionSeats"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"seats"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateSubscriptionSeats"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"subscriptionId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"seats"},"value":{"kind":"Variable","name":{"kind":"Name","value":"seats"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"subscription"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"seats"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<UpdateSubscriptionSeatsMutation, UpdateSubscriptionSeatsMutationVariables>;
export const SetSubscriptionAutoRenewDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SetSubscriptionAutoRenew"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"autoRenew"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"setSubscriptionAutoRenew"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"subscriptionId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"autoRenew"},"value":{"kind":"Variable","name":{"kind":"Name","value":"autoRenew"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"subscription"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"autoRenew"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<SetSubscriptionAutoRenewMutation, SetSubscriptionAutoRenewMutationVariables>;
export const AssociateSubscriptionNamespaceDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"AssociateSubscriptionNamespace"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"path"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"associateSubscriptionNamespace"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"subscriptionId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"namespacePath"},"value":{"kind":"Variable","name":{"kind":"Name","value":"path"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"subscription"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"namespacePath"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<AssociateSubscriptionNamespaceMutation, AssociateSubscriptionNamespaceMutationVariables>;