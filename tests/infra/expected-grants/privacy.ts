/** SEC-3: the consent routes read the PrivacyTable (GET), and PUT also writes the state with its history (a transaction of PutItems); no KMS, no bus. */
export const privacyGrants: Record<string, string[]> = {
  GetMyConsentsFunction: ['dynamodb:GetItem → PrivacyTable', 'dynamodb:Query → PrivacyTable'],
  PutMyConsentsFunction: ['dynamodb:GetItem → PrivacyTable', 'dynamodb:PutItem → PrivacyTable', 'dynamodb:Query → PrivacyTable'],
};
