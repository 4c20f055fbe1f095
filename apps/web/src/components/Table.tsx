import type { ReactNode } from 'react';

/** A card-framed data table: a caption for screen readers and column heads ('' = an actions column). */
export function Table({ caption, columns, children }: { caption: string; columns: string[]; children: ReactNode }) {
  return (
    <div className="table-wrap card">
      <table className="table">
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            {columns.map((column, i) => (
              <th scope="col" key={i}>
                {column || <span className="sr-only">Actions</span>}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** A list as a `Table`, one `row` an item; an empty list says `empty` instead, and one not loaded yet shows nothing. */
export function ListTable<T>(props: { items: T[] | null; empty: ReactNode; caption: string; columns: string[]; row(item: T): ReactNode }) {
  if (!props.items) return null;
  if (props.items.length === 0) return <p className="empty card">{props.empty}</p>;
  return (
    <Table caption={props.caption} columns={props.columns}>
      {props.items.map(props.row)}
    </Table>
  );
}
