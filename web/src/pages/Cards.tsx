import { useState, type FormEvent } from "react";
import { useParams } from "react-router-dom";
import { useMutation, useQuery } from "urql";
import { AccountNav } from "../components/AccountNav";
import { ErrorList, Select, Status, type UserErrorLike } from "../components/forms";
import { errorMessage } from "../format";
import { graphql } from "../gql";
import { SANDBOX_TOKENS } from "../sandbox";

export const CardsQuery = graphql(`
  query Cards($id: ID!) {
    billingAccount(id: $id) {
      id
      paymentMethods {
        id
        brand
        last4
        expMonth
        expYear
        cardholderName
        isDefault
        isExpired
      }
    }
  }
`);

const AddCard = graphql(`
  mutation AddPaymentMethod($accountId: ID!, $token: String!, $makeDefault: Boolean) {
    addPaymentMethod(billingAccountId: $accountId, paymentToken: $token, makeDefault: $makeDefault) {
      paymentMethod {
        id
        brand
        last4
        isDefault
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`);

const MakeDefault = graphql(`
  mutation MakeDefaultPaymentMethod($id: ID!) {
    updatePaymentMethod(paymentMethodId: $id, makeDefault: true) {
      paymentMethod {
        id
        isDefault
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`);

const DeleteCard = graphql(`
  mutation DeletePaymentMethod($id: ID!) {
    deletePaymentMethod(paymentMethodId: $id) {
      deletedPaymentMethodId
      userErrors {
        field
        code
        message
      }
    }
  }
`);

export function cardLabel(card: { brand: string; last4: string; expMonth: number; expYear: number }): string {
  const brand = card.brand.charAt(0) + card.brand.slice(1).toLowerCase();
  return `${brand} ···${card.last4}, expires ${String(card.expMonth).padStart(2, "0")}/${card.expYear}`;
}

/** Cards on file (R-PAY-1..5): add from a gateway token, make default, delete. */
export function CardsPage() {
  const { accountId = "" } = useParams();
  const [{ data, error }, refetch] = useQuery({ query: CardsQuery, variables: { id: accountId } });
  const reload = () => refetch({ requestPolicy: "network-only" });
  const [token, setTokenValue] = useState<string>(SANDBOX_TOKENS[0].value);
  const [makeDefault, setMakeDefault] = useState(false);
  const [errors, setErrors] = useState<UserErrorLike[]>([]);
  const [done, setDone] = useState<string | null>(null);
  const [adding, add] = useMutation(AddCard);
  const [, setDefault] = useMutation(MakeDefault);
  const [, remove] = useMutation(DeleteCard);
  const cards = data?.billingAccount?.paymentMethods ?? [];

  const report = (userErrors: UserErrorLike[] | undefined, message: string) => {
    setErrors(userErrors ?? []);
    setDone(userErrors && userErrors.length === 0 ? message : null);
    reload();
  };
  const onAdd = async (event: FormEvent) => {
    event.preventDefault();
    const answer = await add({ accountId, token, makeDefault });
    const card = answer.data?.addPaymentMethod.paymentMethod;
    report(answer.data?.addPaymentMethod.userErrors, card ? `Card ···${card.last4} added.` : "");
  };
  return (
    <section>
      <AccountNav />
      {error && <p className="error">{errorMessage(error)}</p>}
      <div className="panel">
        <h2>Cards</h2>
        {done && <Status>{done}</Status>}
        <ErrorList errors={errors} />
        {cards.length === 0 ? (
          <p>No card on file.</p>
        ) : (
          <ul className="card-list" aria-label="Cards on file">
            {cards.map((card) => (
              <li key={card.id} data-testid="card">
                <span>
                  {cardLabel(card)}
                  {card.cardholderName && ` — ${card.cardholderName}`}
                  {card.isDefault && <span className="pill">default</span>}
                  {card.isExpired && <span className="pill expired">expired</span>}
                </span>
                <span className="actions">
                  {!card.isDefault && (
                    <>
                      <button type="button" className="secondary small" onClick={async () => {
                        const answer = await setDefault({ id: card.id });
                        report(answer.data?.updatePaymentMethod.userErrors, `···${card.last4} is the default card.`);
                      }}>
                        Make default<span className="sr-only"> ···{card.last4}</span>
                      </button>
                      <button type="button" className="danger small" onClick={async () => {
                        if (!window.confirm(`Delete the card ···${card.last4}?`)) return;
                        const answer = await remove({ id: card.id });
                        report(answer.data?.deletePaymentMethod.userErrors, `Card ···${card.last4} deleted.`);
                      }}>
                        Delete<span className="sr-only"> ···{card.last4}</span>
                      </button>
                    </>
                  )}
                </span>
              </li>
            ))}
          </ul>
        )}
        <p className="hint">The default card cannot be deleted: make another card the default first, or contact the billing team.</p>
      </div>
      <form className="panel" onSubmit={onAdd} aria-labelledby="add-card">
        <h2 id="add-card">Add a card</h2>
        <p className="hint">
          Sandbox gateway: card numbers never reach the portal. Pick one of the gateway's test cards.
        </p>
        <Select label="Test card" name="paymentToken" value={token} onChange={setTokenValue}
          options={SANDBOX_TOKENS} />
        <label className="checkbox">
          <input type="checkbox" checked={makeDefault} onChange={(e) => setMakeDefault(e.target.checked)} />
          Make it the default card
        </label>
        <button type="submit" disabled={adding.fetching}>Add card</button>
      </form>
    </section>
  );
}
