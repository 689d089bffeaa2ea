/**
 * Catalog's documented API for compliance (CMP-1): taking a product listing down when a content
 * reviewer confirms a banned-advertising-terms finding. The one module of catalog compliance may
 * import (.dependency-cruiser.cjs). The product item gets `takenDown = { at, by, findingId }`: it
 * is no longer shown by `GET /products` or `GET /products/{sku}` (404). A staff member saving the
 * product again (`PUT /products/{sku}`) republishes it, and the change is reviewed again.
 */
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient, isConditionalCheckFailed } from '../../shared/dynamodb.ts';

/** Why and by whom a listing was taken down (ids only). */
export interface TakeDown {
  readonly sku: string;
  readonly by: string;
  readonly findingId: string;
  readonly at: Date;
}

/** Takes the listing of `sku` down; `false` when there is no such product. Idempotent. */
export async function takeDownListing(tableName: string, takeDown: TakeDown, client: DynamoDBDocumentClient = documentClient()): Promise<boolean> {
  try {
    await client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { pk: `PRODUCT#${takeDown.sku}`, sk: 'PRODUCT' },
        UpdateExpression: 'SET takenDown = if_not_exists(takenDown, :takenDown)',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':takenDown': { at: takeDown.at.toISOString(), by: takeDown.by, findingId: takeDown.findingId } },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}
