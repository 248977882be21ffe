import { useState, type FormEvent } from "react";
import { Link, useParams } from "react-router-dom";
import { useMutation, useQuery } from "urql";
import { AccountNav } from "../components/AccountNav";
import { ErrorList, Select, Status, type UserErrorLike } from "../components/forms";
import { download } from "../download";
import { date, errorMessage, idempotencyKey, money } from "../format";
import { graphql } from "../gql";
import type { InvoiceStatus } from "../gql/graphql";
import { SANDBOX_TOKENS } from "../sandbox";
import { CardsQuery, cardLabel } from "./Cards";

const PAGE = 10;

const InvoicesQuery = graphql(`
  query Invoices($id: ID!, $first: Int!, $after: String, $status: InvoiceStatus) {
    billingAccount(id: $id) {
      id
      invoices(first: $first, after: $after, status: $status) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          node {
            id
            number
            status
            issuedAt
            dueDate
            total {
              amount
              currency
            }
            amountDue {
              amount
              currency
            }
          }
        }
      }
    }
  }
`);

const InvoiceQuery = graphql(`
  query Invoice($id: ID!) {
    invoice(id: $id) {
      id
      number
      status
      issuedAt
      dueDate
      subtotal {
        amount
        currency
      }
      tax {
        amount
        currency
      }
      taxTreatment
      taxRatePercent
      taxNote
      total {
        amount
        currency
      }
      amountDue {
        amount
        currency
      }
      lines {
        description
        quantity
        unitPrice {
          amount
          currency
        }
        amount {
          amount
          currency
        }
      }
      payments {
        id
        status
        amount {
          amount
          currency
        }
        failureCode
        failureMessage
        createdAt
        paymentMethod {
          id
          brand
          last4
        }
      }
      pdfUrl
      subscription {
        id
        name
      }
    }
  }
`);

const PayInvoice = graphql(`
  mutation PayInvoice($input: PayInvoiceInput!) {
    payInvoice(input: $input) {
      payment {
        id
        status
        failureCode
        failureMessage
      }
      invoice {
        id
        status
        amountDue {
          amount
          currency
        }
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`);

const STATUSES = [
  { value: "", label: "All" },
  { value: "OPEN", label: "Open" },
  { value: "PAID", label: "Paid" },
  { value: "VOID", label: "Void" },
];

/** R-BILL-1: newest first, paged, filtered by status. */
export function InvoicesPage() {
  const { accountId = "" } = useParams();
  const [status, setStatus] = useState("");
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const after = cursors[cursors.length - 1];
  const [{ data, error, fetching }] = useQuery({
    query: InvoicesQuery,
    variables: { id: accountId, first: PAGE, after, status: (status || null) as InvoiceStatus | null },
  });
  const invoices = data?.billingAccount?.invoices;
  const page = cursors.length;
  return (
    <section>
      <AccountNav />
      <div className="panel">
        <div className="row">
          <h2>Invoices</h2>
          <Select label="Status" name="status" value={status} options={STATUSES}
            onChange={(value) => { setStatus(value); setCursors([null]); }} />
        </div>
        {error && <p className="error">{errorMessage(error)}</p>}
        {invoices && invoices.totalCount === 0 && <p>No invoices{status ? " with this status" : ""}.</p>}
        {invoices && invoices.edges.length > 0 && (
          <div className="table-wrap">
            <table>
              <caption className="sr-only">Invoices, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Number</th>
                  <th scope="col">Issued</th>
                  <th scope="col">Due</th>
                  <th scope="col">Status</th>
                  <th scope="col" className="num">Total</th>
                  <th scope="col" className="num">Due now</th>
                </tr>
              </thead>
              <tbody>
                {invoices.edges.map(({ node }) => (
                  <tr key={node.id}>
                    <td>
                      <Link to={`/accounts/${accountId}/invoices/${encodeURIComponent(node.id)}`}>{node.number}</Link>
                    </td>
                    <td>{date(node.issuedAt)}</td>
                    <td>{date(node.dueDate)}</td>
                    <td><span className={`pill ${node.status.toLowerCase()}`}>{node.status.toLowerCase()}</span></td>
                    <td className="num">{money(node.total)}</td>
                    <td className="num">{money(node.amountDue)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {invoices && (
          <nav className="pager" aria-label="Invoice pages">
            <button type="button" className="secondary small" disabled={page === 1 || fetching}
              onClick={() => setCursors(cursors.slice(0, -1))}>
              Previous page
            </button>
            <span>
              Page {page} of {Math.max(1, Math.ceil(invoices.totalCount / PAGE))} ({invoices.totalCount} invoices)
            </span>
            <button type="button" className="secondary small" disabled={!invoices.pageInfo.hasNextPage || fetching}
              onClick={() => setCursors([...cursors, invoices.pageInfo.endCursor ?? null])}>
              Next page
            </button>
          </nav>
        )}
      </div>
    </section>
  );
}

/** One invoice: lines, tax, payments; the PDF (R-BILL-2); pay it (R-BILL-3, R-BILL-4). */
export function InvoicePage() {
  const { accountId = "", invoiceId = "" } = useParams();
  const [{ data, error }, refetch] = useQuery({ query: InvoiceQuery, variables: { id: invoiceId } });
  const invoice = data?.invoice;
  const [pdfError, setPdfError] = useState<string | null>(null);
  const [justPaid, setJustPaid] = useState(false);
  if (error) return <p className="error">{errorMessage(error)}</p>;
  if (!data) return <p>Loading…</p>;
  if (!invoice) return <p className="error">This invoice does not exist, or you do not manage its account.</p>;
  const onPdf = async () => {
    setPdfError(null);
    try {
      // The path of pdfUrl, from the API this app talks to: pdfUrl's host is PORTAL_PUBLIC_URL,
      // which may name the same server differently (localhost vs 127.0.0.1).
      await download(new URL(invoice.pdfUrl, window.location.href).pathname, `invoice-${invoice.number}.pdf`);
    } catch (e) {
      setPdfError((e as Error).message);
    }
  };
  return (
    <section>
      <AccountNav />
      <p>
        <Link to={`/accounts/${accountId}/invoices`}>← All invoices</Link>
      </p>
      <article className="panel" aria-labelledby="invoice-heading">
        <div className="row">
          <h2 id="invoice-heading">
            Invoice {invoice.number}{" "}
            <span className={`pill ${invoice.status.toLowerCase()}`} data-testid="invoice-status">
              {invoice.status.toLowerCase()}
            </span>
          </h2>
          <button type="button" className="secondary" onClick={onPdf}>
            Download PDF
          </button>
        </div>
        {pdfError && <p className="error" role="alert">{pdfError}</p>}
        <dl className="facts">
          <dt>Issued</dt>
          <dd>{date(invoice.issuedAt)}</dd>
          <dt>Due</dt>
          <dd>{date(invoice.dueDate)}</dd>
          {invoice.subscription && (
            <>
              <dt>Subscription</dt>
              <dd>{invoice.subscription.name}</dd>
            </>
          )}
        </dl>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Description</th>
                <th scope="col" className="num">Qty</th>
                <th scope="col" className="num">Unit price</th>
                <th scope="col" className="num">Amount</th>
              </tr>
            </thead>
            <tbody>
              {invoice.lines.map((line, i) => (
                <tr key={i}>
                  <td>{line.description}</td>
                  <td className="num">{line.quantity}</td>
                  <td className="num">{money(line.unitPrice)}</td>
                  <td className="num">{money(line.amount)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" colSpan={3}>Subtotal</th>
                <td className="num">{money(invoice.subtotal)}</td>
              </tr>
              <tr>
                <th scope="row" colSpan={3}>
                  Tax{invoice.taxRatePercent ? ` (${invoice.taxRatePercent} %)` : ""} — {invoice.taxTreatment.replace(/_/g, " ").toLowerCase()}
                  {invoice.taxNote && <small className="hint"> {invoice.taxNote}</small>}
                </th>
                <td className="num">{money(invoice.tax)}</td>
              </tr>
              <tr>
                <th scope="row" colSpan={3}>Total</th>
                <td className="num">{money(invoice.total)}</td>
              </tr>
              <tr>
                <th scope="row" colSpan={3}>Amount due</th>
                <td className="num" data-testid="amount-due">{money(invoice.amountDue)}</td>
              </tr>
            </tfoot>
          </table>
        </div>
      </article>
      {invoice.status === "OPEN" && (
        <PayForm
          accountId={accountId}
          invoiceId={invoice.id}
          onPaid={(succeeded) => {
            setJustPaid(succeeded);
            refetch({ requestPolicy: "network-only" });
          }}
        />
      )}
      {justPaid && <Status>Payment received. Thank you!</Status>}
      <div className="panel">
        <h2>Payments</h2>
        {invoice.payments.length === 0 ? (
          <p>No payment attempts yet.</p>
        ) : (
          <ul className="payments">
            {invoice.payments.map((p) => (
              <li key={p.id} className={p.status.toLowerCase()}>
                {date(p.createdAt)} — {money(p.amount)}
                {p.paymentMethod && ` with ···${p.paymentMethod.last4}`}: <strong>{p.status.toLowerCase()}</strong>
                {p.failureMessage && ` (${p.failureMessage})`}
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}

function PayForm({ accountId, invoiceId, onPaid }: { accountId: string; invoiceId: string; onPaid: (succeeded: boolean) => void }) {
  const [{ data }] = useQuery({ query: CardsQuery, variables: { id: accountId } });
  const cards = data?.billingAccount?.paymentMethods ?? [];
  const fallback = cards.find((c) => c.isDefault)?.id ?? cards[0]?.id ?? "";
  const [choice, setChoice] = useState<string>("");
  const [errors, setErrors] = useState<UserErrorLike[]>([]);
  const [result, pay] = useMutation(PayInvoice);
  const selected = choice || fallback || SANDBOX_TOKENS[0].value;
  const options = [
    ...cards.map((card) => ({ value: card.id, label: `${cardLabel(card)}${card.isDefault ? " (default)" : ""}` })),
    ...SANDBOX_TOKENS.map((t) => ({ value: t.value, label: `New card: ${t.label}` })),
  ];
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const isToken = selected.startsWith("tok_");
    const answer = await pay({
      input: {
        invoiceId,
        idempotencyKey: idempotencyKey(),
        ...(isToken ? { paymentToken: selected } : { paymentMethodId: selected }),
      },
    });
    const payload = answer.data?.payInvoice;
    setErrors(payload?.userErrors ?? []);
    onPaid(payload?.payment?.status === "SUCCEEDED");
  };
  return (
    <form className="panel" onSubmit={onSubmit} aria-labelledby="pay-heading">
      <h2 id="pay-heading">Pay this invoice</h2>
      <Select label="Pay with" name="paymentMethod" value={selected} onChange={setChoice} options={options} />
      {errors.length > 0 && (
        <div className="error" role="alert" data-testid="payment-error">
          <strong>The payment did not go through.</strong>
          <ErrorList errors={errors} />
        </div>
      )}
      {result.error && <p className="error">{errorMessage(result.error)}</p>}
      <button type="submit" disabled={result.fetching}>
        {result.fetching ? "Paying…" : "Pay now"}
      </button>
    </form>
  );
}
